import { assertDeliverableUrl, blockedAddressKind } from '../../src/webhooks/ssrf-guard';
import { AppError } from '../../src/errors';

/** Issue 6 item 6. DNS is injected: no test here ever asks a real resolver. */
const resolvesTo =
  (...addresses: string[]) =>
  async (_host: string) =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const secure = (lookup = resolvesTo('93.184.216.34')) => ({ allowInsecure: false, lookup });
const insecure = (lookup = resolvesTo('127.0.0.1')) => ({ allowInsecure: true, lookup });

async function refusal(url: string, options: Parameters<typeof assertDeliverableUrl>[1]) {
  const error = await assertDeliverableUrl(url, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`${url} was not refused with an AppError: ${String(error)}`);
  expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
  return error;
}

describe('public https URLs', () => {
  it('are accepted, resolved with the lookup it was given', async () => {
    const lookup = jest.fn(resolvesTo('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'));
    const url = await assertDeliverableUrl('https://hooks.example.com:8443/in?x=1', secure(lookup));
    expect(url.href).toBe('https://hooks.example.com:8443/in?x=1');
    expect(lookup).toHaveBeenCalledWith('hooks.example.com');
  });

  it('an IP literal is checked without a lookup', async () => {
    const lookup = jest.fn(resolvesTo('10.0.0.1'));
    await expect(assertDeliverableUrl('https://8.8.8.8/hook', secure(lookup))).resolves.toBeInstanceOf(URL);
    await expect(assertDeliverableUrl('https://[2606:4700::1111]/hook', secure(lookup))).resolves.toBeInstanceOf(URL);
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe('refused', () => {
  it.each([
    ['not a URL', 'INVALID_URL'],
    ['/relative/path', 'INVALID_URL'],
    ['http://hooks.example.com/', 'INSECURE_SCHEME'],
    ['ftp://hooks.example.com/', 'INSECURE_SCHEME'],
    ['file:///etc/passwd', 'INSECURE_SCHEME'],
    ['https://user:pass@hooks.example.com/', 'CREDENTIALS_IN_URL'],
    ['https://token@hooks.example.com/', 'CREDENTIALS_IN_URL'],
  ])('%s (%s)', async (url, reason) => {
    expect((await refusal(url, secure())).extensions.reason).toBe(reason);
  });

  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.254', 'shared (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    // IPv4 inside IPv6: mapped (both spellings), NAT64 and 6to4.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::1', 'cloud metadata'],
  ])('a host resolving to %s (%s)', async (address, kind) => {
    const error = await refusal('https://hooks.example.com/', secure(resolvesTo(address)));
    expect(error.extensions).toMatchObject({ reason: 'BLOCKED_ADDRESS', addressKind: kind });
    // The message names the kind of address, never the address: no reading internal DNS through it.
    expect(error.message).toContain(kind);
    expect(error.message).not.toContain(address);
  });

  it('an IP literal of a blocked range, in any spelling the URL parser accepts', async () => {
    for (const url of ['https://127.0.0.1/', 'https://2130706433/', 'https://0x7f.1/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://169.254.169.254/latest/meta-data/']) {
      expect((await refusal(url, secure())).extensions.reason).toBe('BLOCKED_ADDRESS');
    }
  });

  it('a host with one public and one private address: either could be delivered to', async () => {
    const error = await refusal('https://hooks.example.com/', secure(resolvesTo('93.184.216.34', '10.0.0.7')));
    expect(error.extensions.addressKind).toBe('private');
  });

  it('a host that does not resolve, or whose lookup fails', async () => {
    expect((await refusal('https://nowhere.invalid/', secure(resolvesTo()))).extensions.reason).toBe('UNRESOLVABLE_HOST');
    const failing = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect((await refusal('https://nowhere.invalid/', secure(failing))).extensions.reason).toBe('UNRESOLVABLE_HOST');
  });
});

describe('with allowInsecure (development and tests)', () => {
  it('allows loopback, over http or https', async () => {
    await expect(assertDeliverableUrl('http://127.0.0.1:3000/hook', insecure())).resolves.toBeInstanceOf(URL);
    await expect(assertDeliverableUrl('http://[::1]:3000/hook', insecure())).resolves.toBeInstanceOf(URL);
    await expect(assertDeliverableUrl('http://localhost:3000/hook', insecure(resolvesTo('127.0.0.1', '::1')))).resolves.toBeInstanceOf(URL);
    await expect(assertDeliverableUrl('https://localhost/hook', insecure())).resolves.toBeInstanceOf(URL);
  });

  it('allows plain http to loopback only', async () => {
    const error = await refusal('http://hooks.example.com/', insecure(resolvesTo('93.184.216.34')));
    expect(error.extensions.reason).toBe('INSECURE_SCHEME');
    await expect(assertDeliverableUrl('https://hooks.example.com/', insecure(resolvesTo('93.184.216.34')))).resolves.toBeInstanceOf(URL);
  });

  it('still refuses private, link-local and metadata addresses', async () => {
    for (const address of ['10.0.0.1', '169.254.169.254', 'fe80::1', '::ffff:192.168.0.1']) {
      expect((await refusal('http://hooks.example.com/', insecure(resolvesTo(address)))).extensions.reason).toBe('BLOCKED_ADDRESS');
    }
  });
});

describe('blockedAddressKind (for the sender to check the address it connects to)', () => {
  it('classifies, and lets public addresses through', () => {
    expect(blockedAddressKind('8.8.8.8')).toBeUndefined();
    expect(blockedAddressKind('2606:4700::1111')).toBeUndefined();
    expect(blockedAddressKind('64:ff9b::8.8.8.8')).toBeUndefined();
    expect(blockedAddressKind('127.0.0.1')).toBe('loopback');
    expect(blockedAddressKind('127.0.0.1', true)).toBeUndefined();
    expect(blockedAddressKind('10.0.0.1', true)).toBe('private');
    expect(blockedAddressKind('not an address')).toBe('reserved');
  });
});

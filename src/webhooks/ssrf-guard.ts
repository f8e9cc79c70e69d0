import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { badInput } from '../errors';

/**
 * The SSRF guard (contract §7, issue 6 item 6): a webhook URL is a request
 * our server makes on a caller's behalf, so it must never reach what only the
 * server can reach — the loopback interface, the private network, link-local
 * and the cloud metadata endpoints that hand out credentials.
 *
 * Checked at creation/update and again before every delivery, since DNS can
 * change between the two. Even that leaves the moment between our lookup and
 * the connection's own (DNS rebinding), so `blockedAddressKind` is exported
 * for the sender to check the address it actually connects to.
 */
export interface DeliverableUrlOptions {
  /** `WEBHOOKS_ALLOW_INSECURE`: development and tests may use loopback, and plain http to loopback only. */
  allowInsecure: boolean;
  /** Injected by tests; defaults to `dns.promises.lookup(host, { all: true })`. */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
}

/** Why an address is refused; the order is the order of precedence in messages (metadata before link-local). */
export type BlockedAddressKind =
  | 'cloud metadata'
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'link-local'
  | 'shared (CGNAT)'
  | 'multicast'
  | 'reserved';

type Range = [network: string, prefix: number];

const IPV4: Record<BlockedAddressKind, Range[]> = {
  // AWS/GCP/Azure/OpenStack IMDS; Azure's wireserver sits on a public address.
  'cloud metadata': [['169.254.169.254', 32], ['168.63.129.16', 32]],
  loopback: [['127.0.0.0', 8]],
  unspecified: [['0.0.0.0', 8]],
  private: [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]],
  'link-local': [['169.254.0.0', 16]],
  'shared (CGNAT)': [['100.64.0.0', 10]], // also Alibaba's metadata at 100.100.100.200
  multicast: [['224.0.0.0', 4]],
  // IETF assignments (Oracle's metadata at 192.0.0.192), documentation, benchmarking, class E and broadcast.
  reserved: [['192.0.0.0', 24], ['192.0.2.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['240.0.0.0', 4]],
};

const IPV6: Record<BlockedAddressKind, Range[]> = {
  'cloud metadata': [['fd00:ec2::254', 128]],
  loopback: [['::1', 128]],
  unspecified: [['::', 128]],
  private: [['fc00::', 7], ['64:ff9b:1::', 48]],
  'link-local': [['fe80::', 10]],
  'shared (CGNAT)': [],
  multicast: [['ff00::', 8]],
  // IPv4-compatible (deprecated), discard-only, IETF/Teredo, documentation, old site-local.
  reserved: [['::', 96], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fec0::', 10]],
};

/**
 * One BlockList per kind. node's BlockList already matches an IPv4 rule
 * against its IPv4-mapped IPv6 form (`::ffff:127.0.0.1`, `::ffff:7f00:1`);
 * the IPv6 forms that embed an IPv4 address in other ways — NAT64
 * (64:ff9b::/96) and 6to4 (2002::/16) — get each IPv4 range added explicitly.
 */
const BLOCKS: [BlockedAddressKind, BlockList][] = (Object.keys(IPV4) as BlockedAddressKind[]).map((kind) => {
  const list = new BlockList();
  for (const [network, prefix] of IPV4[kind]) {
    list.addSubnet(network, prefix, 'ipv4');
    list.addSubnet(`64:ff9b::${network}`, 96 + prefix, 'ipv6');
    list.addSubnet(sixToFour(network), 16 + prefix, 'ipv6');
  }
  for (const [network, prefix] of IPV6[kind]) list.addSubnet(network, prefix, 'ipv6');
  return [kind, list];
});

/** `2002:AABB:CCDD::` for a.b.c.d (RFC 3056). */
function sixToFour(ipv4: string): string {
  const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number];
  const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  return `2002:${hex(a, b)}:${hex(c, d)}::`;
}

/**
 * What kind of refused address this is, or undefined for a public one.
 * Loopback passes when `allowLoopback`; nothing else ever does.
 */
export function blockedAddressKind(address: string, allowLoopback = false): BlockedAddressKind | undefined {
  const family = isIP(address);
  if (family === 0) return 'reserved'; // not an address at all: fail closed
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of BLOCKS) {
    if (!list.check(address, type)) continue;
    if (kind === 'loopback' && allowLoopback) return undefined;
    return kind;
  }
  return undefined;
}

const LOOKUP_TIMEOUT_MS = 5_000;

async function systemLookup(host: string): Promise<{ address: string; family: number }[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('DNS lookup timed out')), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([dns.lookup(host, { all: true, verbatim: true }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const refuse = (message: string, reason: string, details: Record<string, unknown> = {}) =>
  badInput(message, { field: 'url', reason, ...details });

/**
 * The parsed URL when a webhook may be sent to it; otherwise BAD_USER_INPUT on
 * `url` with a `reason`. Every address the host resolves to must pass: a host
 * with one public and one private record could be delivered to either.
 * Messages never show what a name resolved to, so the guard cannot be used to
 * read the server's internal DNS.
 */
export async function assertDeliverableUrl(url: string, options: DeliverableUrlOptions): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('url is not a valid absolute URL', 'INVALID_URL');
  }
  const insecureHint = options.allowInsecure ? ' (or http to a loopback address)' : '';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && options.allowInsecure)) {
    throw refuse(`url must use https${insecureHint}`, 'INSECURE_SCHEME');
  }
  if (parsed.username || parsed.password) {
    throw refuse('url must not contain a user name or password: receivers authenticate deliveries by their signature', 'CREDENTIALS_IN_URL');
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw refuse('url has no host', 'INVALID_URL');

  const addresses = isIP(host) ? [host] : await resolve(host, options.lookup ?? systemLookup);
  for (const address of addresses) {
    const kind = blockedAddressKind(address, options.allowInsecure);
    if (kind) throw refuse(`url must not point at a ${kind} address: webhooks only go to the public internet`, 'BLOCKED_ADDRESS', { addressKind: kind });
  }
  if (parsed.protocol === 'http:' && !addresses.every((a) => blockedAddressKind(a) === 'loopback')) {
    throw refuse('url must use https: plain http is only allowed to a loopback address', 'INSECURE_SCHEME');
  }
  return parsed;
}

async function resolve(host: string, lookup: NonNullable<DeliverableUrlOptions['lookup']>): Promise<string[]> {
  let found: { address: string }[];
  try {
    found = await lookup(host);
  } catch {
    found = [];
  }
  if (found.length === 0) throw refuse(`url's host "${host}" does not resolve`, 'UNRESOLVABLE_HOST');
  return found.map((r) => r.address);
}

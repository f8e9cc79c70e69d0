import { ApiKey, ApiKeySecret, AuditEntry, ScopePolicy } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { expectRefused, onlyError } from '../http/helpers';
import { gid, startServerWithAdmin, type KeyServer } from './key-fixtures';

const KEY_FIELDS = 'id name prefix type status scopes bundles policies { id } effectiveScopes expiresAt ipAllowlist allowedOrigins';
const UPDATE = `mutation ($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { apiKey { ${KEY_FIELDS} } } }`;
const VIEWER = '{ viewer { effectiveScopes } }';

let server: KeyServer, admin: string, adminId: number;
beforeAll(async () => ({ server, admin, adminId } = await startServerWithAdmin()));
afterAll(() => server.close());

const update = (key: string, id: number, fields: Record<string, unknown>) =>
  server.graphql(UPDATE, { key, variables: { input: { id: gid(id), ...fields } } });
const viewer = (key: string) => server.graphql(VIEWER, { key });
const row = (id: number) => server.db.dataSource.getRepository(ApiKey).findOneOrFail({ where: { id }, relations: { policies: true } });
const secretRows = (apiKeyId: number) => server.db.dataSource.getRepository(ApiKeySecret).find({ where: { apiKeyId }, order: { id: 'ASC' } });
/** Entries after the key's `api_key.created` one. */
const auditOf = async (targetId: number) =>
  (await server.db.dataSource.getRepository(AuditEntry).find({ where: { targetType: 'ApiKey', targetId }, order: { id: 'ASC' } })).filter(
    (entry) => entry.action !== 'api_key.created',
  );
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('updateApiKey', () => {
  it('changes only the given fields; the secret and its prefix stay', async () => {
    const expiresAt = inAnHour();
    const key = await server.mintKey({ name: 'partner', scopes: ['products:read'], expiresAt: new Date(expiresAt), ipAllowlist: ['127.0.0.1'] });
    const secretsBefore = await secretRows(key.id);

    const res = await update(admin, key.id, { name: 'partner (renamed)' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.updateApiKey.apiKey).toMatchObject({
      id: gid(key.id),
      name: 'partner (renamed)',
      prefix: key.secret.slice(0, 12),
      scopes: ['products:read'],
      expiresAt,
      ipAllowlist: ['127.0.0.1'],
      status: 'ACTIVE',
    });
    expect(await secretRows(key.id)).toEqual(secretsBefore);
    expect((await viewer(key.secret)).body.data!.viewer.effectiveScopes).toEqual(['products:read']);
  });

  it('takes effect on the very next request, with no cache serving the old key', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    expect((await viewer(key.secret)).body.data!.viewer.effectiveScopes).toEqual(['products:read']); // now cached

    expect((await update(admin, key.id, { scopes: ['bookings:read'], bundles: ['booking_widget'] })).body.errors).toBeUndefined();
    const next = await viewer(key.secret);
    expect(next.body.data!.viewer.effectiveScopes).toEqual(['products:read', 'bookings:read']);
    expect(next.headers.get('x-scopes')).toBe('products:read, bookings:read');

    await update(admin, key.id, { ipAllowlist: ['10.0.0.0/8'] });
    expectRefused(await viewer(key.secret), 403, 'IP_NOT_ALLOWED');
    await update(admin, key.id, { ipAllowlist: null });
    expect((await viewer(key.secret)).status).toBe(200);
  });

  it('null clears expiresAt; omitting it leaves it alone', async () => {
    const key = await server.mintKey({ scopes: ['products:read'], expiresAt: new Date(inAnHour()) });
    await update(admin, key.id, { name: 'still expiring' });
    expect((await row(key.id)).expiresAt).not.toBeNull();
    const res = await update(admin, key.id, { expiresAt: null });
    expect(res.body.data!.updateApiKey.apiKey.expiresAt).toBeNull();
    expect((await row(key.id)).expiresAt).toBeNull();
  });

  it('sets and empties policies by id', async () => {
    const key = await server.mintKey({ scopes: [] });
    const policies = await server.graphql('{ scopePolicies { id name builtIn } }', { key: admin });
    const readOnly = policies.body.data!.scopePolicies.find((p: any) => p.name === 'Read only' && p.builtIn).id;
    const set = await update(admin, key.id, { policyIds: [readOnly] });
    expect(set.body.data!.updateApiKey.apiKey.policies).toEqual([{ id: readOnly }]);
    expect((await viewer(key.secret)).body.data!.viewer.effectiveScopes).toContain('bookings:read');
    const emptied = await update(admin, key.id, { policyIds: [] });
    expect(emptied.body.data!.updateApiKey.apiKey).toMatchObject({ policies: [], effectiveScopes: [] });
  });

  const past = new Date(Date.now() - 60_000).toISOString();
  it.each<[string, Record<string, unknown>, string, (e: any) => void]>([
    ['an empty name', { name: '  ' }, 'name', () => undefined],
    ['an unknown scope, with suggestions', { scopes: ['bookings:reed'] }, 'scopes', (e) =>
      expect(e.extensions.suggestions['bookings:reed']).toContain('bookings:read')],
    ['an unknown bundle', { bundles: ['read_everything'] }, 'bundles', () => undefined],
    ['an expiry in the past', { expiresAt: past }, 'expiresAt', () => undefined],
    ['a bad ipAllowlist entry', { ipAllowlist: ['::1', '10.0.0.0/33'] }, 'ipAllowlist', (e) => expect(e.extensions.invalid).toEqual(['10.0.0.0/33'])],
    ['allowedOrigins on a secret key', { allowedOrigins: ['https://shop.example.com'] }, 'allowedOrigins', () => undefined],
  ])('refuses %s with BAD_USER_INPUT naming the field, as create does; nothing changes', async (_label, fields, field, extra) => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    const before = await row(key.id);
    const error = onlyError(await update(admin, key.id, fields));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    extra(error);
    expect(await row(key.id)).toEqual(before);
    expect(await auditOf(key.id)).toEqual([]);
  });

  it('keeps a publishable key read-only', async () => {
    const key = await server.mintKey({ type: 'PUBLISHABLE', bundles: ['booking_widget'] });
    const error = onlyError(await update(admin, key.id, { scopes: ['products:read', 'products:write'] }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes' });
    expect(error.message).toContain('products:write');
    const origins = await update(admin, key.id, { allowedOrigins: ['https://shop.example.com/'] });
    expect(origins.body.data!.updateApiKey.apiKey.allowedOrigins).toEqual(['https://shop.example.com']);
  });

  it('refuses a name another key of the account has; another account may use it', async () => {
    const first = await server.mintKey({ name: 'billing' });
    const second = await server.mintKey({ name: 'billing export' });
    const error = onlyError(await update(admin, second.id, { name: ' billing ' }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(error.message).toContain('billing');
    expect((await row(second.id)).name).toBe('billing export');
    expect((await update(admin, first.id, { name: 'billing' })).body.errors).toBeUndefined(); // its own name

    const other = await server.mintKey({ account: 'globex', name: 'other', scopes: ['admin'] });
    const mine = await server.mintKey({ account: 'globex', name: 'to rename' });
    expect((await update(other.secret, mine.id, { name: 'billing' })).body.errors).toBeUndefined();
  });

  it('maps the unique index refusing a name (a race the first check missed) to the same error', async () => {
    await server.mintKey({ name: 'raced' });
    const loser = await server.mintKey({ name: 'raced too' });
    const check = jest.spyOn(server.app.services.repos.apiKeys, 'nameTaken').mockResolvedValue(false);
    try {
      const error = onlyError(await update(admin, loser.id, { name: 'raced', scopes: ['bookings:read'] }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    } finally {
      check.mockRestore();
    }
    expect(await row(loser.id)).toMatchObject({ name: 'raced too', scopes: [] });
    expect(await auditOf(loser.id)).toEqual([]);
  });

  it('answers NOT_FOUND for a key of another account, as for one that does not exist', async () => {
    const outsider = await server.mintKey({ account: 'initech', scopes: ['admin'] });
    const victim = await server.mintKey({ name: 'victim', scopes: ['products:read'] });
    const error = onlyError(await update(outsider.secret, victim.id, { name: 'pwned' }));
    expect(error.extensions!.code).toBe('NOT_FOUND');
    expect(error.message).toBe(onlyError(await update(outsider.secret, 999_999, { name: 'x' })).message);
    expect((await row(victim.id)).name).toBe('victim');

    // Nor can a key of one account be given another account's policy.
    const { id: accountId } = await server.account();
    const acmePolicy = await server.db.dataSource.getRepository(ScopePolicy).save({ accountId, name: 'acme only', mode: 'ALLOW' as const, scopes: ['products:read'], builtIn: false });
    const own = await server.mintKey({ account: 'initech', name: 'own', scopes: [] });
    const foreign = onlyError(await update(outsider.secret, own.id, { policyIds: [toGlobalId('ScopePolicy', acmePolicy.id)] }));
    expect(foreign.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'policyIds' });
    expect((await row(own.id)).policies).toEqual([]);
  });

  it('records api_key.updated with the acting key, the target and a diff of what changed', async () => {
    const key = await server.mintKey({ name: 'audited', scopes: ['products:read'] });
    await update(admin, key.id, { name: 'audited (v2)', scopes: ['products:read', 'bookings:read'], ipAllowlist: ['10.0.0.0/8'] });
    const entries = await auditOf(key.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'api_key.updated',
      actorKeyId: adminId,
      targetType: 'ApiKey',
      targetId: key.id,
      changes: {
        name: { from: 'audited', to: 'audited (v2)' },
        scopes: { from: ['products:read'], to: ['products:read', 'bookings:read'] },
        ipAllowlist: { from: null, to: ['10.0.0.0/8'] },
      },
    });
    expect(Object.keys(entries[0]!.changes).sort()).toEqual(['ipAllowlist', 'name', 'scopes']);
  });

  it('an update that changes nothing writes nothing and records nothing', async () => {
    const key = await server.mintKey({ name: 'steady', scopes: ['products:read'] });
    const before = await row(key.id);
    const res = await update(admin, key.id, { name: 'steady', scopes: ['products:read'] });
    expect(res.body.data!.updateApiKey.apiKey.name).toBe('steady');
    expect(await row(key.id)).toEqual(before);
    expect(await auditOf(key.id)).toEqual([]);
  });
});

describe('updateApiKey: no escalation', () => {
  let limited: string;
  beforeAll(async () => {
    ({ secret: limited } = await server.mintKey({ name: 'limited', scopes: ['keys:write', 'products:read', 'bookings:read'] }));
  });

  it('lets a key move another key between scopes it holds itself', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    const res = await update(limited, key.id, { scopes: ['bookings:read'] });
    expect(res.body.data!.updateApiKey.apiKey.effectiveScopes).toEqual(['bookings:read']);
  });

  it('refuses to grant a scope the caller lacks: SCOPE_REQUIRED naming it, nothing changes', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    const before = await row(key.id);
    const error = onlyError(await update(limited, key.id, { scopes: ['products:read', 'customers:read'] }));
    expect(error.extensions).toMatchObject({ code: 'SCOPE_REQUIRED', missingScopes: ['customers:read'] });
    expect(onlyError(await update(limited, key.id, { bundles: ['accounting_sync'] })).extensions!.code).toBe('SCOPE_REQUIRED');
    expect(await row(key.id)).toEqual(before);
  });

  it('cannot touch a key that holds more than the caller, not even to rename or narrow it', async () => {
    const target = await server.mintKey({ name: 'powerful', scopes: ['admin'] });
    const error = onlyError(await update(limited, target.id, { name: 'tamed' }));
    expect(error.extensions!.code).toBe('SCOPE_REQUIRED');
    expect(error.extensions!.missingScopes).toContain('admin');
    const wider = await server.mintKey({ scopes: ['products:read', 'customers:read'] });
    expect(onlyError(await update(limited, wider.id, { scopes: ['products:read'] })).extensions).toMatchObject({
      code: 'SCOPE_REQUIRED',
      missingScopes: ['customers:read'],
    });
    expect((await row(target.id)).name).toBe('powerful');
    expect((await row(wider.id)).scopes).toEqual(['products:read', 'customers:read']);
  });

  it('cannot take a DENY policy off a key to grant what the policy denied', async () => {
    const { id: accountId } = await server.account();
    const deny = await server.db.dataSource
      .getRepository(ScopePolicy)
      .save({ accountId, name: 'no deletes', mode: 'DENY' as const, scopes: ['customers:delete'], builtIn: false });
    // Both hold every non-admin scope but customers:delete; the target also lists customers:write.
    const caller = await server.mintKey({ name: 'deny caller', policyIds: [deny.id] });
    const target = await server.mintKey({ name: 'deny target', scopes: ['customers:write'], policyIds: [deny.id] });
    const error = onlyError(await update(caller.secret, target.id, { policyIds: [] }));
    expect(error.extensions!.code).toBe('SCOPE_REQUIRED');
    expect(error.extensions!.missingScopes).toContain('customers:delete');
    expect((await row(target.id)).policies!.map((p) => p.id)).toEqual([deny.id]);
  });
});

it('no audit entry ever holds a secret', async () => {
  const trail = JSON.stringify(await server.db.dataSource.getRepository(AuditEntry).find());
  expect(server.secrets.length).toBeGreaterThan(10);
  for (const secret of server.secrets) expect(trail).not.toContain(secret.slice(12));
});

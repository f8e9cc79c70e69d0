import { ApiKey, ApiKeySecret, AuditEntry } from '../../src/db/entities';
import { toGlobalId } from '../../src/global-id';
import { expectRefused, onlyError } from '../http/helpers';
import { startServerWithAdmin, type KeyServer } from './key-fixtures';

const ROLL = `mutation ($input: RollApiKeyInput!) { rollApiKey(input: $input) { secret apiKey { id name prefix type status scopes } } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { status } } }`;
const VIEWER = '{ viewer { effectiveScopes } }';
const SECRET_KEY = /^sk_live_[0-9A-Za-z]{38}$/;

let server: KeyServer, admin: string, adminId: number;
beforeAll(async () => ({ server, admin, adminId } = await startServerWithAdmin()));
afterAll(() => server.close());

async function roll(key: string, id: number, graceSeconds?: number) {
  const res = await server.graphql(ROLL, { key, variables: { input: { id: toGlobalId('ApiKey', id), graceSeconds } } });
  const secret: string | undefined = res.body.data?.rollApiKey?.secret;
  if (secret) server.secrets.push(secret);
  return res;
}
const viewer = (key: string) => server.graphql(VIEWER, { key });
const secretRows = (apiKeyId: number) => server.db.dataSource.getRepository(ApiKeySecret).find({ where: { apiKeyId }, order: { id: 'ASC' } });
const prefixOf = async (id: number) => (await server.db.dataSource.getRepository(ApiKey).findOneByOrFail({ id })).prefix;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('rollApiKey', () => {
  it('issues a new secret with a new prefix; with no grace the old one fails KEY_EXPIRED on the very next request', async () => {
    const key = await server.mintKey({ name: 'rolled', scopes: ['products:read'] });
    expect((await viewer(key.secret)).status).toBe(200); // now cached

    const res = await roll(admin, key.id);
    expect(res.body.errors).toBeUndefined();
    const { secret, apiKey } = res.body.data!.rollApiKey;
    expect(secret).toMatch(SECRET_KEY);
    expect(secret).not.toBe(key.secret);
    expect(apiKey).toEqual({ id: toGlobalId('ApiKey', key.id), name: 'rolled', prefix: secret.slice(0, 12), type: 'SECRET', status: 'ACTIVE', scopes: ['products:read'] });
    expect(await prefixOf(key.id)).toBe(secret.slice(0, 12));

    const old = await viewer(key.secret);
    expectRefused(old, 401, 'KEY_EXPIRED');
    const fresh = await viewer(secret);
    expect(fresh.body.data!.viewer).toEqual({ effectiveScopes: ['products:read'] });
  });

  it('with a grace period the old secret keeps working until it ends, then fails KEY_EXPIRED', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    const { secret } = (await roll(admin, key.id, 1)).body.data!.rollApiKey;
    expect((await viewer(key.secret)).status).toBe(200);
    expect((await viewer(secret)).status).toBe(200);

    const [old] = await secretRows(key.id);
    await sleep(Math.max(0, old!.expiresAt!.getTime() - Date.now()) + 50);
    expectRefused(await viewer(key.secret), 401, 'KEY_EXPIRED');
    expect((await viewer(secret)).status).toBe(200);
  });

  it('never extends a secret rolled away earlier; a later roll with less grace shortens it', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    const startedAt = Date.now();
    await roll(admin, key.id, 3600);
    const [first] = await secretRows(key.id);
    expect(first!.expiresAt!.getTime()).toBeGreaterThanOrEqual(startedAt + 3_600_000 - 1000);

    await roll(admin, key.id, 7 * 24 * 3600);
    const afterSecond = await secretRows(key.id);
    expect(afterSecond).toHaveLength(3);
    expect(afterSecond[0]!.expiresAt).toEqual(first!.expiresAt); // not moved to 7 days
    expect(afterSecond[1]!.expiresAt!.getTime()).toBeGreaterThan(startedAt + 6 * 24 * 3_600_000);
    expect(afterSecond[2]!.expiresAt).toBeNull();

    const before = Date.now();
    await roll(admin, key.id, 0);
    const afterThird = await secretRows(key.id);
    expect(afterThird.slice(0, 3).every((s) => s.expiresAt!.getTime() <= Date.now() && s.expiresAt!.getTime() >= before - 1000)).toBe(true);
    expect(afterThird.filter((s) => s.expiresAt === null)).toHaveLength(1);
  });

  it('rolls a publishable key to a new publishable secret', async () => {
    const key = await server.mintKey({ type: 'PUBLISHABLE', bundles: ['booking_widget'] });
    const { secret, apiKey } = (await roll(admin, key.id)).body.data!.rollApiKey;
    expect(secret).toMatch(/^pk_live_[0-9A-Za-z]{38}$/);
    expect(apiKey.type).toBe('PUBLISHABLE');
  });

  it.each([-1, 7 * 24 * 3600 + 1])('refuses graceSeconds %i with BAD_USER_INPUT; nothing changes', async (graceSeconds) => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    const error = onlyError(await roll(admin, key.id, graceSeconds));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'graceSeconds' });
    expect(error.message).toContain('604800');
    expect(await secretRows(key.id)).toHaveLength(1);
    expect(await prefixOf(key.id)).toBe(key.secret.slice(0, 12));
  });

  it('accepts the full 7 days', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    expect((await roll(admin, key.id, 7 * 24 * 3600)).body.errors).toBeUndefined();
    expect((await viewer(key.secret)).status).toBe(200);
  });

  it('refuses to roll a revoked key (BAD_USER_INPUT); it stays revoked with its one secret', async () => {
    const key = await server.mintKey({ scopes: ['products:read'] });
    await server.graphql(REVOKE, { key: admin, variables: { id: toGlobalId('ApiKey', key.id) } });
    const error = onlyError(await roll(admin, key.id));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(error.message).toContain('revoked');
    expect(await secretRows(key.id)).toHaveLength(1);
    expectRefused(await viewer(key.secret), 401, 'KEY_REVOKED');
  });

  it('a key cannot roll a key that holds more than it does; the old secret keeps working', async () => {
    const { secret: limited } = await server.mintKey({ name: 'limited', scopes: ['keys:write', 'products:read'] });
    const target = await server.mintKey({ name: 'admin target', scopes: ['admin'] });
    const error = onlyError(await roll(limited, target.id));
    expect(error.extensions!.code).toBe('SCOPE_REQUIRED');
    expect(error.extensions!.missingScopes).toContain('admin');
    expect(await secretRows(target.id)).toHaveLength(1);
    expect((await viewer(target.secret)).status).toBe(200);

    const peer = await server.mintKey({ scopes: ['products:read'] });
    expect((await roll(limited, peer.id)).body.errors).toBeUndefined();
  });

  it('answers NOT_FOUND for a key of another account', async () => {
    const outsider = await server.mintKey({ account: 'globex', scopes: ['admin'] });
    const victim = await server.mintKey({ scopes: ['products:read'] });
    expect(onlyError(await roll(outsider.secret, victim.id)).extensions!.code).toBe('NOT_FOUND');
    expect((await viewer(victim.secret)).status).toBe(200);
  });

  it('records api_key.rolled with the new prefix and the grace, never the secret', async () => {
    const key = await server.mintKey({ name: 'audited roll', scopes: ['products:read'] });
    const { secret } = (await roll(admin, key.id, 60)).body.data!.rollApiKey;
    const entries = await server.db.dataSource.getRepository(AuditEntry).findBy({ targetType: 'ApiKey', targetId: key.id, action: 'api_key.rolled' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorKeyId: adminId,
      changes: { prefix: { from: key.secret.slice(0, 12), to: secret.slice(0, 12) }, graceSeconds: 60 },
    });
    expect(JSON.stringify(entries)).not.toContain(secret.slice(12));
  });
});

it('no audit entry ever holds a secret', async () => {
  const trail = JSON.stringify(await server.db.dataSource.getRepository(AuditEntry).find());
  expect(server.secrets.length).toBeGreaterThan(10);
  for (const secret of server.secrets) expect(trail).not.toContain(secret.slice(12));
});

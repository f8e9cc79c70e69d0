/**
 * Issue 10: Redis goes away under two running instances, through a TCP proxy
 * the test cuts (connections reset, new ones refused) and then blackholes
 * (connections open, nothing answers). Requests keep being served, each
 * instance limits on its own and says so in its log and in /healthz, a
 * revocation still reaches the other instance at once (keys are read from the
 * database while invalidations cannot be heard), and the shared behaviour
 * returns when Redis does. MariaDB only, like every multi-process test.
 */
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { ClusterFixture, gql, health, outcome, waitFor, type Instance } from './instances';

jest.setTimeout(60_000);

const BUDGET = 10;
const VIEWER = '{ viewer { account { name } } }';

let f: ClusterFixture;
let proxy: TcpProxy;
let a: Instance;
let b: Instance;
let admin: string;

beforeAll(async () => {
  f = await ClusterFixture.create();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  const env = {
    REDIS_URL: `redis://${proxy.address}`,
    // Short enough to notice the blackhole soon, long enough that a loaded machine's pauses are not taken for an outage.
    REDIS_TIMEOUT_MS: '1000',
    RATE_LIMIT_REQUESTS: String(BUDGET),
    RATE_LIMIT_WINDOW_SECONDS: '600',
  };
  [a, b] = await Promise.all([f.start('A', env), f.start('B', env)]);
  admin = (await f.mintKey({ scopes: ['admin'], account: 'ops' })).secret;
});
afterAll(async () => {
  await f?.close();
  await proxy?.close();
});

const redisState = async (instance: Instance) => {
  const { status, body } = await health(instance);
  return { http: status, status: body.status, redis: body.checks.redis?.status, detail: body.checks.redis?.detail ?? '' };
};

async function waitForRedis(state: 'up' | 'down'): Promise<void> {
  for (const instance of [a, b]) {
    await waitFor(async () => (await redisState(instance)).redis === state, `${instance.name} to report Redis ${state}`);
  }
}

/** Sends `count` requests with a fresh key, alternating instances; how many were served. */
async function served(count: number): Promise<number> {
  const key = await f.mintKey({ scopes: ['products:read'] });
  const results = await Promise.all(Array.from({ length: count }, (_, i) => gql(i % 2 === 0 ? a : b, VIEWER, key.secret)));
  expect(results.every((r) => ['OK', 'RATE_LIMITED'].includes(outcome(r)))).toBe(true);
  return results.filter((r) => outcome(r) === 'OK').length;
}

/** A key in use on both instances is revoked through A; B's very next request with it. */
async function revokedOnB(): Promise<string> {
  const key = await f.mintKey({ scopes: ['products:read'], account: 'ops' });
  for (const instance of [a, b, b]) expect(outcome(await gql(instance, VIEWER, key.secret))).toBe('OK');
  const revoke = await gql(a, 'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { status } } }', admin, { id: key.gid });
  expect(revoke.body.data?.revokeApiKey.apiKey.status).toBe('REVOKED');
  return outcome(await gql(b, VIEWER, key.secret));
}

it('shares budgets and revocations while Redis is up', async () => {
  await waitForRedis('up');
  expect(await redisState(a)).toMatchObject({ http: 200, status: 'ok', redis: 'up' });
  expect(await served(2 * BUDGET + 6)).toBe(BUDGET);
  expect(await revokedOnB()).toBe('KEY_REVOKED');
});

it('keeps serving when Redis is cut: per-instance limits, reported in the log and /healthz, revocation still immediate', async () => {
  proxy.cut();
  await waitForRedis('down');
  const state = await redisState(b);
  expect(state).toMatchObject({ http: 200, status: 'degraded', redis: 'down' });
  expect(state.detail).toMatch(/rate limits are counted per instance/);
  for (const instance of [a, b]) expect(instance.output()).toMatch(/Redis \(commands\) unreachable: rate limits are counted per instance/);

  // Each instance now grants the whole budget on its own (the insurance limiters).
  expect(await served(2 * BUDGET + 6)).toBe(2 * BUDGET);
  // Nothing can be heard from A, so B reads keys from the database: the revocation still shows at once.
  expect(await revokedOnB()).toBe('KEY_REVOKED');
});

it('shares budgets and revocations again once Redis is back', async () => {
  proxy.restore();
  await waitForRedis('up');
  for (const instance of [a, b]) expect(instance.output()).toMatch(/Redis \(commands\) reachable again/);
  expect(await served(2 * BUDGET + 6)).toBe(BUDGET);
  expect(await revokedOnB()).toBe('KEY_REVOKED');
});

it('keeps serving when Redis stops answering (blackhole), and recovers', async () => {
  proxy.blackhole();
  // Requests are answered while the instances find out (each Redis call waits at most REDIS_TIMEOUT_MS).
  for (const instance of [a, b, a, b]) expect(outcome(await gql(instance, VIEWER, admin))).toBe('OK');
  await waitForRedis('down');
  expect(await served(2 * BUDGET + 6)).toBe(2 * BUDGET);
  expect(await revokedOnB()).toBe('KEY_REVOKED');

  proxy.restore();
  await waitForRedis('up');
  expect(await served(2 * BUDGET + 6)).toBe(BUDGET);
  expect(await revokedOnB()).toBe('KEY_REVOKED');
});

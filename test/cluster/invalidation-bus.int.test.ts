/**
 * Key cache invalidation between instances over Redis pub/sub (src/cluster),
 * two "instances" in this process against the local Redis, one of them behind
 * a proxy the test cuts. No database involved.
 */
import { randomUUID } from 'node:crypto';
import { connectCluster, type Cluster } from '../../src/cluster';
import { CacheInvalidation, type CacheChange } from '../../src/cluster/cache-invalidation';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitFor } from './instances';

const REDIS = { host: '127.0.0.1', port: 6379 };

interface Side {
  cluster: Cluster;
  caches: CacheInvalidation;
  applied: CacheChange[];
  logged: string[];
}

let proxy: TcpProxy;
let prefix: string;
let a: Side;
let b: Side;

async function side(url: string): Promise<Side> {
  const applied: CacheChange[] = [];
  const logged: string[] = [];
  const caches = new CacheInvalidation((change) => applied.push(change));
  const log = { warn: (_: unknown, message: string) => void logged.push(message), info: (_: unknown, message: string) => void logged.push(message) };
  const cluster = await connectCluster({ REDIS_URL: url, RATE_LIMIT_PREFIX: prefix, REDIS_TIMEOUT_MS: 300 }, caches, log);
  return { cluster, caches, applied, logged };
}

beforeAll(async () => {
  prefix = `scopeql-test:${randomUUID()}`;
  proxy = await startTcpProxy(REDIS);
  a = await side(`redis://${proxy.address}`);
  b = await side(`redis://${REDIS.host}:${REDIS.port}`);
  await waitFor(() => a.caches.cacheTrusted && b.caches.cacheTrusted, 'both to listen');
});
afterAll(async () => {
  await a?.cluster.close();
  await b?.cluster.close();
  await proxy?.close();
});
beforeEach(() => {
  a.applied.length = 0;
  b.applied.length = 0;
});

it('a change made on one instance is applied there at once and on the other through Redis', async () => {
  await a.caches.changed({ keyId: 5 });
  expect(a.applied).toEqual([{ keyId: 5 }]);
  await waitFor(() => b.applied.length > 0, 'B to hear it');
  expect(b.applied).toEqual([{ keyId: 5 }]);

  a.applied.length = 0;
  b.applied.length = 0;
  await b.caches.changed({ all: 'scope policy changed' });
  await waitFor(() => a.applied.length > 0, 'A to hear it');
  expect(a.applied).toEqual([{ all: 'scope policy changed' }]);
  // Neither applied its own message twice.
  expect(b.applied).toEqual([{ all: 'scope policy changed' }]);
});

it('an unreadable message clears everything', async () => {
  await a.cluster.redis!.client.publish(`${prefix}:invalidate`, 'not json');
  await waitFor(() => a.applied.length > 0 && b.applied.length > 0, 'both to react');
  expect(b.applied).toEqual([{ all: 'unreadable message' }]);
  expect(b.logged).toContain('unreadable key invalidation message: clearing every cached key');
});

it('a lost connection makes the caches untrusted until resubscribed, and then clears them', async () => {
  proxy.cut();
  await waitFor(() => !a.caches.cacheTrusted, 'A to stop trusting its caches');
  expect((await a.cluster.probes[0]!.check()).up).toBe(false);

  // A change made on A meanwhile cannot be published...
  await a.caches.changed({ keyId: 9 });
  expect(a.applied).toEqual([{ keyId: 9 }]);
  proxy.restore();
  await waitFor(() => a.caches.cacheTrusted, 'A to listen again');
  // ...so A clears its own caches on resubscribing, and tells B to clear everything once it can publish again.
  expect(a.applied).toContainEqual({ all: 'subscribed' });
  await waitFor(() => b.applied.some((c) => 'all' in c), 'B to be told');
  expect(b.applied).toEqual([{ all: 'changes made while Redis was unreachable' }]);
  expect(a.logged).toEqual(
    expect.arrayContaining([expect.stringMatching(/^Redis \(commands\) unreachable/), 'Redis (commands) reachable again', 'Redis (invalidation) reachable again']),
  );
  expect((await a.cluster.probes[0]!.check()).up).toBe(true);
});

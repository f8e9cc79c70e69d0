/**
 * The in-memory key caches under invalidation (issue 10 item 2): a lookup
 * already reading the database when a key changes is not kept, and while the
 * other instances cannot be heard the key cache is not used at all.
 */
import { KeyAuthenticator } from '../../src/auth/authenticator';
import { generateKey } from '../../src/auth/key-format';
import { ListedOrigins } from '../../src/auth/listed-origins';
import { CacheInvalidation } from '../../src/cluster/cache-invalidation';
import type { ApiKeyRepository, KeyBySecret } from '../../src/db/repositories/api-key-repository';
import { defaultCatalog } from '../../src/scopes/catalog';
import { ScopeEngine } from '../../src/scopes/engine';

const engine = new ScopeEngine(defaultCatalog());
const secret = generateKey('SECRET');

/** A key row as the repository returns it; `revokedAt` set later by the tests. */
function keyRow(revokedAt: Date | null = null): KeyBySecret {
  const key = {
    id: 7,
    accountId: 1,
    account: { id: 1, slug: 'acme', name: 'Acme' },
    name: 'k',
    type: 'SECRET',
    prefix: secret.slice(0, 12),
    scopes: ['products:read'],
    bundles: [],
    policies: [],
    expiresAt: null,
    ipAllowlist: null,
    allowedOrigins: null,
    lastUsedAt: null,
    revokedAt,
  };
  return { key: key as unknown as KeyBySecret['key'], secretExpiresAt: null };
}

/** A repository whose answers the test releases one by one. */
function controlledRepo() {
  const pending: { resolve: (row: KeyBySecret) => void }[] = [];
  const repo = {
    calls: 0,
    findBySecretHash: jest.fn(() => {
      repo.calls += 1;
      return new Promise<KeyBySecret>((resolve) => pending.push({ resolve }));
    }),
  };
  return { repo, answer: (row: KeyBySecret) => pending.shift()!.resolve(row) };
}

const credentials = { authorization: `Bearer ${secret}`, clientAddress: '127.0.0.1', origin: undefined };

describe('KeyAuthenticator cache', () => {
  it('does not keep a lookup that was reading the database when the key changed', async () => {
    const { repo, answer } = controlledRepo();
    const auth = new KeyAuthenticator(repo as unknown as ApiKeyRepository, engine, { cacheTtlMs: 60_000, cacheMax: 10 });
    const first = auth.authenticate(credentials);
    await Promise.resolve();
    // The key is revoked (here or on another instance) while that read is in flight...
    auth.invalidate(7);
    answer(keyRow());
    await expect(first).resolves.toMatchObject({ key: { id: 7 } });
    // ...so the next request reads again and sees the revocation.
    const second = auth.authenticate(credentials);
    await Promise.resolve();
    answer(keyRow(new Date()));
    await expect(second).rejects.toMatchObject({ code: 'KEY_REVOKED' });
    expect(repo.calls).toBe(2);
  });

  it('serves from the cache while trusted, and reads every time while not', async () => {
    const repo = { findBySecretHash: jest.fn(async () => keyRow()) };
    let trusted = true;
    const auth = new KeyAuthenticator(repo as unknown as ApiKeyRepository, engine, {
      cacheTtlMs: 60_000,
      cacheMax: 10,
      cacheTrusted: () => trusted,
    });
    await auth.authenticate(credentials);
    await auth.authenticate(credentials);
    expect(repo.findBySecretHash).toHaveBeenCalledTimes(1);
    trusted = false;
    await auth.authenticate(credentials);
    await auth.authenticate(credentials);
    expect(repo.findBySecretHash).toHaveBeenCalledTimes(3);
  });
});

describe('ListedOrigins', () => {
  it('drops a list that was loading when a key changed', async () => {
    const answers: ((list: string[]) => void)[] = [];
    const repo = { listedOrigins: jest.fn(() => new Promise<string[]>((resolve) => answers.push(resolve))) };
    const origins = new ListedOrigins(repo as unknown as ApiKeyRepository);
    const first = origins.has('https://shop.example');
    origins.invalidate();
    answers.shift()!([]);
    await expect(first).resolves.toBe(false);
    // A new publishable key listed it: the next question reads again.
    const second = origins.has('https://shop.example');
    answers.shift()!(['https://shop.example']);
    await expect(second).resolves.toBe(true);
    expect(repo.listedOrigins).toHaveBeenCalledTimes(2);
  });
});

describe('CacheInvalidation', () => {
  it('applies a change at once and waits for the transport to hand it over', async () => {
    const applied: unknown[] = [];
    const caches = new CacheInvalidation((change) => applied.push(change));
    let handOver!: () => void;
    const publish = jest.fn(() => new Promise<void>((resolve) => (handOver = resolve)));
    caches.attach({ publish });
    expect(caches.cacheTrusted).toBe(false);
    caches.listening(true);
    let settled = false;
    const told = caches.changed({ keyId: 3 }).then(() => (settled = true));
    expect(applied).toEqual([{ keyId: 3 }]);
    expect(publish).toHaveBeenCalledWith({ keyId: 3 });
    await Promise.resolve();
    expect(settled).toBe(false);
    handOver();
    await told;
    expect(settled).toBe(true);
  });

  it('is trusted, and changes stay local, without a transport (a single instance)', async () => {
    const applied: unknown[] = [];
    const caches = new CacheInvalidation((change) => applied.push(change));
    caches.listening(false);
    expect(caches.cacheTrusted).toBe(true);
    await caches.changed({ all: 'scope policy changed' });
    expect(applied).toEqual([{ all: 'scope policy changed' }]);
  });
});

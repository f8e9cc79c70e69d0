import { LRUCache } from 'lru-cache';
import type { Account, ApiKey, ScopePolicy } from '../db/entities';
import type { ApiKeyRepository } from '../db/repositories';
import { AppError } from '../errors';
import type { EffectivePermissions, ScopeEngine } from '../scopes/engine';
import { compileAllowlist, type AddressMatcher } from './ip-allowlist';
import { hashKey, parseKey } from './key-format';
import { keyStatus } from './key-status';

/** Who is calling: resolved once per request, read by the directive check and the resolvers. */
export interface AuthenticatedKey {
  readonly key: ApiKey;
  readonly account: Account;
  readonly policies: readonly ScopePolicy[];
  readonly permissions: EffectivePermissions;
}

export interface Credentials {
  authorization: string | undefined;
  clientAddress: string;
  origin: string | undefined;
}

interface CachedKey extends AuthenticatedKey {
  readonly secretExpiresAt: Date | null;
  readonly addressAllowed: AddressMatcher | null;
}

export interface AuthenticatorOptions {
  cacheTtlMs: number;
  cacheMax: number;
  now?: () => Date;
  /** Told about every successful request, to keep lastUsedAt current without a write per request. */
  onUsed?: (key: ApiKey, at: Date) => void;
  /**
   * False while changes made on other instances cannot be heard (Redis down):
   * the cache is then neither read nor filled, so a revocation anywhere still
   * takes effect on the next request here. Always true on a single instance.
   */
  cacheTrusted?: () => boolean;
}

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message);

/**
 * A valid key refused for where the request comes from (IP allowlist, browser
 * origin). Unlike a 401 the key is known, so the refusal belongs in that key's
 * request log. `key` is not in `extensions` and not enumerable: it is never
 * sent to the client nor copied into a log line.
 */
export class KeyRefusedError extends AppError {
  declare readonly key: ApiKey;

  constructor(key: ApiKey, code: 'IP_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED', message: string) {
    super(code, message);
    Object.defineProperty(this, 'key', { value: key, enumerable: false });
  }
}

/**
 * Bearer-key authentication (contract sections 3 and 4). Shape and checksum are
 * checked before any database work, so garbage costs no query. A verified key is
 * cached by hash with its effective permissions computed once; status, expiry, IP
 * and origin are re-checked on every request against the cached record. Any
 * change to a key, here or on another instance (src/cluster), drops it from the
 * cache; KEY_CACHE_TTL_MS bounds how long a missed change could live.
 */
export class KeyAuthenticator {
  private readonly cache: LRUCache<string, CachedKey> | undefined;
  private readonly now: () => Date;
  /**
   * Bumped by every invalidation. A lookup that was already reading the
   * database when a key changed may have read it before the change: it serves
   * its own request, but is not cached.
   */
  private generation = 0;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly engine: ScopeEngine,
    private readonly options: AuthenticatorOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.cache =
      options.cacheTtlMs > 0 && options.cacheMax > 0
        ? new LRUCache<string, CachedKey>({ max: options.cacheMax, ttl: options.cacheTtlMs })
        : undefined;
  }

  async authenticate(credentials: Credentials): Promise<AuthenticatedKey> {
    const raw = bearerToken(credentials.authorization);
    if (parseKey(raw) === undefined) throw unauthenticated('The API key is malformed or its checksum is wrong');
    const hash = hashKey(raw);
    const cache = this.options.cacheTrusted?.() === false ? undefined : this.cache;
    const found = cache?.get(hash) ?? (await this.load(hash, cache));
    const now = this.now();
    if (found.key.revokedAt) throw new AppError('KEY_REVOKED', 'This API key has been revoked');
    if (keyStatus(found.key, now) === 'EXPIRED') throw new AppError('KEY_EXPIRED', 'This API key has expired');
    if (found.secretExpiresAt && found.secretExpiresAt.getTime() <= now.getTime()) {
      throw new AppError('KEY_EXPIRED', 'This API key secret was rolled and its grace period has ended');
    }
    if (found.addressAllowed && !found.addressAllowed(credentials.clientAddress)) {
      throw new KeyRefusedError(found.key, 'IP_NOT_ALLOWED', `Requests from ${credentials.clientAddress} are not allowed for this API key`);
    }
    checkOrigin(found.key, credentials.origin);
    this.options.onUsed?.(found.key, now);
    return found;
  }

  /** Drops every cached secret of a key: called on revoke, roll, delete and scope changes. */
  invalidate(keyId: number): void {
    this.generation += 1;
    if (!this.cache) return;
    for (const [hash, entry] of this.cache.entries()) if (entry.key.id === keyId) this.cache.delete(hash);
  }

  /** Policies changed: any key may hold them, so nothing cached can be trusted. */
  invalidateAll(): void {
    this.generation += 1;
    this.cache?.clear();
  }

  private async load(hash: string, cache: LRUCache<string, CachedKey> | undefined): Promise<CachedKey> {
    const generation = this.generation;
    const found = await this.keys.findBySecretHash(hash);
    if (!found) throw unauthenticated('Unknown API key');
    const { key, secretExpiresAt } = found;
    const entry: CachedKey = {
      key,
      account: key.account,
      policies: key.policies,
      permissions: this.engine.permissionsFor({
        keyType: key.type,
        scopes: key.scopes,
        bundles: key.bundles,
        policies: key.policies,
      }),
      secretExpiresAt,
      addressAllowed: key.ipAllowlist && key.ipAllowlist.length > 0 ? compileAllowlist(key.ipAllowlist) : null,
    };
    if (generation === this.generation) cache?.set(hash, entry);
    return entry;
  }
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw unauthenticated('Missing API key: send "Authorization: Bearer <key>"');
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <key>"');
  return match[1];
}

/**
 * A publishable key lives in browsers (contract section 1). A request that
 * carries no Origin is not from a browser page, so only a present, unlisted
 * Origin is refused.
 */
function checkOrigin(key: ApiKey, origin: string | undefined): void {
  if (key.type !== 'PUBLISHABLE' || !key.allowedOrigins || key.allowedOrigins.length === 0) return;
  if (origin === undefined || key.allowedOrigins.includes(origin)) return;
  throw new KeyRefusedError(key, 'ORIGIN_NOT_ALLOWED', `Origin ${origin} is not allowed for this API key`);
}

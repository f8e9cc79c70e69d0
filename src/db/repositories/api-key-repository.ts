import { Brackets, In, type DataSource, type EntityManager } from 'typeorm';
import { isMySqlFamily } from '../write-transaction';
import { ApiKey, ApiKeySecret, type ScopePolicy } from '../entities';
import { lockedInAccount, newestFirstInAccountQuery, type KeysetPage } from './account-scoped';
import { isUniqueViolation } from '../driver-errors';

export type KeyStatusFilter = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

/** The columns an update may change (the type, account and secrets never change this way). */
export type KeyColumnsPatch = Partial<Pick<ApiKey, 'name' | 'scopes' | 'bundles' | 'expiresAt' | 'ipAllowlist' | 'allowedOrigins'>>;

export type KeyWithPolicies = ApiKey & { policies: ScopePolicy[] };

export interface KeyBySecret {
  key: ApiKey & { account: NonNullable<ApiKey['account']>; policies: ScopePolicy[] };
  /** Set when this secret was rolled away and lives only for a grace period. */
  secretExpiresAt: Date | null;
}

/** Reads and writes of keys and their secrets; no rules, those live in the domain. */
export class ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One indexed query: the unique hash index finds the secret, joins bring the rest. */
  async findBySecretHash(keyHash: string): Promise<KeyBySecret | null> {
    const secret = await this.dataSource
      .getRepository(ApiKeySecret)
      .createQueryBuilder('secret')
      .innerJoinAndSelect('secret.apiKey', 'key')
      .innerJoinAndSelect('key.account', 'account')
      .leftJoinAndSelect('key.policies', 'policy')
      .where('secret.keyHash = :keyHash', { keyHash })
      .getOne();
    if (!secret?.apiKey) return null;
    const key = secret.apiKey as KeyBySecret['key'];
    key.policies ??= [];
    return { key, secretExpiresAt: secret.expiresAt };
  }

  /** Several keys of one account with their policies, for the per-request DataLoader. */
  async findManyInAccount(accountId: number, ids: readonly number[]): Promise<ApiKey[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(ApiKey).find({ where: { accountId, id: In([...new Set(ids)]) }, relations: { policies: true } });
  }

  async findInAccount(accountId: number, id: number): Promise<ApiKey | null> {
    return this.dataSource.getRepository(ApiKey).findOne({ where: { id, accountId }, relations: { policies: true } });
  }

  async listInAccount(
    accountId: number,
    page: KeysetPage,
    status: KeyStatusFilter | undefined,
    now: Date,
  ): Promise<ApiKey[]> {
    const qb = newestFirstInAccountQuery(this.dataSource.getRepository(ApiKey), 'key', accountId, page);
    if (status === 'REVOKED') qb.andWhere('key.revokedAt IS NOT NULL');
    if (status === 'EXPIRED') qb.andWhere('key.revokedAt IS NULL').andWhere('key.expiresAt <= :now', { now });
    if (status === 'ACTIVE') {
      qb.andWhere('key.revokedAt IS NULL').andWhere(
        new Brackets((or) => or.where('key.expiresAt IS NULL').orWhere('key.expiresAt > :now', { now })),
      );
    }
    return qb.getMany();
  }

  /** Every origin listed by a publishable key that is not revoked (expiry is rechecked per request). */
  async listedOrigins(): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('key')
      .select(['key.id', 'key.allowedOrigins'])
      .where('key.type = :type', { type: 'PUBLISHABLE' })
      .andWhere('key.revokedAt IS NULL')
      .andWhere('key.allowedOrigins IS NOT NULL')
      .getMany();
    return [...new Set(rows.flatMap((row) => row.allowedOrigins ?? []))];
  }

  /** Policies of many keys in one query, for the per-request DataLoader. */
  async policiesOfKeys(keyIds: readonly number[]): Promise<Map<number, ScopePolicy[]>> {
    const byKey = new Map<number, ScopePolicy[]>(keyIds.map((id) => [id, []]));
    if (keyIds.length === 0) return byKey;
    const rows = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('key')
      .leftJoinAndSelect('key.policies', 'policy')
      .where('key.id IN (:...keyIds)', { keyIds: [...keyIds] })
      .getMany();
    for (const row of rows) byKey.set(row.id, row.policies ?? []);
    return byKey;
  }

  /**
   * The key, locked until the transaction ends where the engine has row locks
   * (on SQLite writeTransaction already holds the one write lock), with its
   * policies. Loaded in a second query so the lock does not reach the shared
   * policy rows.
   */
  async lockInAccount(manager: EntityManager, accountId: number, id: number): Promise<KeyWithPolicies | null> {
    const key = await lockedInAccount(manager, ApiKey, 'key', accountId, id, isMySqlFamily(this.dataSource));
    if (!key) return null;
    const policies = await manager.createQueryBuilder().relation(ApiKey, 'policies').of(key.id).loadMany<ScopePolicy>();
    return Object.assign(key, { policies });
  }

  /**
   * Case-insensitive, so both engines agree: the unique (accountId, name)
   * index ignores case on MariaDB (utf8mb4_unicode_ci) but not on SQLite.
   * (SQLite's LOWER folds ASCII letters only.)
   */
  async nameTaken(manager: EntityManager, accountId: number, name: string, exceptId?: number): Promise<boolean> {
    const qb = manager
      .getRepository(ApiKey)
      .createQueryBuilder('key')
      .where('key.accountId = :accountId AND LOWER(key.name) = LOWER(:name)', { accountId, name });
    if (exceptId !== undefined) qb.andWhere('key.id <> :exceptId', { exceptId });
    return (await qb.getCount()) > 0;
  }

  /**
   * Null when the name is already taken in the account: the unique index
   * decides, so two concurrent creates cannot both pass a check done first.
   * A duplicate-key error fails only the statement on both engines, so the
   * caller's transaction is still usable (and is then rolled back).
   */
  async insertWithSecret(manager: EntityManager, key: Partial<ApiKey>, keyHash: string): Promise<ApiKey | null> {
    let saved: ApiKey;
    try {
      saved = await manager.getRepository(ApiKey).save(manager.getRepository(ApiKey).create(key));
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    await manager.getRepository(ApiKeySecret).insert({ apiKeyId: saved.id, keyHash, expiresAt: null });
    return saved;
  }

  /** False when a new name is already taken in the account (the unique index decides, as on insert). */
  async update(manager: EntityManager, key: KeyWithPolicies, values: KeyColumnsPatch, policyIds?: readonly number[]): Promise<boolean> {
    if (Object.keys(values).length > 0) {
      try {
        await manager.getRepository(ApiKey).update({ id: key.id }, values);
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    }
    if (policyIds) {
      const current = key.policies.map((p) => p.id);
      await manager
        .createQueryBuilder()
        .relation(ApiKey, 'policies')
        .of(key.id)
        .addAndRemove(
          policyIds.filter((id) => !current.includes(id)),
          current.filter((id) => !policyIds.includes(id)),
        );
    }
    return true;
  }

  /**
   * A new current secret (and the prefix shown for it). Every older secret
   * of the key expires at `oldUntil` unless it already expires sooner: a roll
   * never extends an old secret. Expired secrets are kept, so using one
   * answers KEY_EXPIRED rather than "unknown key".
   */
  async rollSecret(manager: EntityManager, keyId: number, keyHash: string, prefix: string, oldUntil: Date): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(ApiKeySecret)
      .set({ expiresAt: oldUntil })
      .where('apiKeyId = :keyId', { keyId })
      .andWhere(new Brackets((or) => or.where('expiresAt IS NULL').orWhere('expiresAt > :oldUntil', { oldUntil })))
      .execute();
    await manager.getRepository(ApiKeySecret).insert({ apiKeyId: keyId, keyHash, expiresAt: null });
    await manager.getRepository(ApiKey).update({ id: keyId }, { prefix });
  }

  async markRevoked(manager: EntityManager, id: number, at: Date): Promise<void> {
    await manager.getRepository(ApiKey).update({ id }, { revokedAt: at });
  }

  /** Its secrets, policy links and request logs go with it (ON DELETE CASCADE on each). */
  async delete(manager: EntityManager, id: number): Promise<void> {
    await manager.getRepository(ApiKey).delete({ id });
  }

  /**
   * Only moves lastUsedAt forward, so concurrent writers (several requests,
   * later several instances) can never set it back in time.
   */
  async touchLastUsed(id: number, at: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(ApiKey)
      .set({ lastUsedAt: at, updatedAt: () => 'updatedAt' })
      .where('id = :id', { id })
      .andWhere(new Brackets((or) => or.where('lastUsedAt IS NULL').orWhere('lastUsedAt < :at', { at })))
      .execute();
  }
}


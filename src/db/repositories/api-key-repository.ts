import { Brackets, type DataSource, type EntityManager } from 'typeorm';
import { ApiKey, ApiKeySecret, type ScopePolicy } from '../entities';
import { newestFirstInAccount, type KeysetPage } from './account-scoped';

export type KeyStatusFilter = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

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

  async findInAccount(accountId: number, id: number): Promise<ApiKey | null> {
    return this.dataSource.getRepository(ApiKey).findOne({ where: { id, accountId }, relations: { policies: true } });
  }

  async listInAccount(
    accountId: number,
    page: KeysetPage,
    status: KeyStatusFilter | undefined,
    now: Date,
  ): Promise<ApiKey[]> {
    const qb = newestFirstInAccount(this.dataSource.getRepository(ApiKey), 'key', accountId, page);
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

  async insertWithSecret(manager: EntityManager, key: Partial<ApiKey>, keyHash: string): Promise<ApiKey> {
    const saved = await manager.getRepository(ApiKey).save(manager.getRepository(ApiKey).create(key));
    await manager.getRepository(ApiKeySecret).insert({ apiKeyId: saved.id, keyHash, expiresAt: null });
    return saved;
  }

  async markRevoked(id: number, at: Date): Promise<void> {
    await this.dataSource.getRepository(ApiKey).update({ id }, { revokedAt: at });
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

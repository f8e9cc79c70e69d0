import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import { ApiKey, ScopePolicy } from '../entities';
import { lockedInAccount } from './account-scoped';

export type PolicyValues = Pick<ScopePolicy, 'accountId' | 'name' | 'mode' | 'scopes'>;
export type PolicyPatch = Partial<Pick<ScopePolicy, 'name' | 'mode' | 'scopes'>>;

/** The join table behind `ApiKey.policies` (see entities/api-key.ts). */
const KEY_POLICY = 'api_key_policy';

/** Reads and writes of scope policies; no rules, those live in domain/policies. */
export class PolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Built-in policies (no account) and the account's own, built-ins first. */
  async listVisible(accountId: number, manager: EntityManager = this.dataSource.manager): Promise<ScopePolicy[]> {
    return manager.getRepository(ScopePolicy).find({
      where: [{ accountId: IsNull() }, { accountId }],
      order: { builtIn: 'DESC', name: 'ASC' },
    });
  }

  async findVisibleByIds(accountId: number, ids: readonly number[]): Promise<ScopePolicy[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(ScopePolicy).find({
      where: [
        { id: In([...ids]), accountId: IsNull() },
        { id: In([...ids]), accountId },
      ],
    });
  }

  /**
   * The account's own policy (never a built-in, which has no account), locked
   * until the transaction ends where the engine has row locks. Holding it also
   * makes a concurrent attach to a key wait: inserting into api_key_policy
   * checks its foreign key against this row.
   */
  lockOwn(manager: EntityManager, accountId: number, id: number, rowLocks: boolean): Promise<ScopePolicy | null> {
    return lockedInAccount(manager, ScopePolicy, 'policy', accountId, id, rowLocks);
  }

  async insert(manager: EntityManager, values: PolicyValues): Promise<ScopePolicy> {
    const { identifiers } = await manager.getRepository(ScopePolicy).insert({ ...values, builtIn: false });
    return manager.getRepository(ScopePolicy).findOneByOrFail({ id: identifiers[0]!.id as number });
  }

  async update(manager: EntityManager, id: number, patch: PolicyPatch): Promise<ScopePolicy> {
    if (Object.keys(patch).length > 0) await manager.getRepository(ScopePolicy).update({ id }, patch);
    return manager.getRepository(ScopePolicy).findOneByOrFail({ id });
  }

  /** Detaches the policy from every key, then deletes it. */
  async delete(manager: EntityManager, id: number): Promise<void> {
    await manager.createQueryBuilder().delete().from(KEY_POLICY).where('policyId = :id', { id }).execute();
    await manager.getRepository(ScopePolicy).delete({ id });
  }

  /** Every key (any status) holding the policy, each with all of its policies. */
  async keysUsing(manager: EntityManager, policyId: number): Promise<(ApiKey & { policies: ScopePolicy[] })[]> {
    const rows: { apiKeyId: number | string }[] = await manager
      .createQueryBuilder()
      .select('link.apiKeyId', 'apiKeyId')
      .from(KEY_POLICY, 'link')
      .where('link.policyId = :policyId', { policyId })
      .getRawMany();
    if (rows.length === 0) return [];
    const keys = await manager.getRepository(ApiKey).find({
      where: { id: In(rows.map((row) => Number(row.apiKeyId))) },
      relations: { policies: true },
      order: { id: 'ASC' },
    });
    return keys.map((key) => Object.assign(key, { policies: key.policies ?? [] }));
  }
}


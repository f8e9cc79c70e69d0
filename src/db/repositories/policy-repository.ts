import { In, IsNull, type DataSource } from 'typeorm';
import { ScopePolicy } from '../entities';

export class PolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Built-in policies (no account) and the account's own, built-ins first. */
  async listVisible(accountId: number): Promise<ScopePolicy[]> {
    return this.dataSource.getRepository(ScopePolicy).find({
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
}

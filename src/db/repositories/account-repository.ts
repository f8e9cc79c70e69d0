import type { DataSource } from 'typeorm';
import { Account } from '../entities';

export class AccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  findBySlug(slug: string): Promise<Account | null> {
    return this.dataSource.getRepository(Account).findOneBy({ slug });
  }

  findById(id: number): Promise<Account | null> {
    return this.dataSource.getRepository(Account).findOneBy({ id });
  }

  /** Insert-if-absent that tolerates a concurrent insert of the same slug. */
  async findOrCreate(slug: string, name: string): Promise<Account> {
    const existing = await this.findBySlug(slug);
    if (existing) return existing;
    try {
      return await this.dataSource.getRepository(Account).save({ slug, name });
    } catch (error) {
      const raced = await this.findBySlug(slug);
      if (raced) return raced;
      throw error;
    }
  }
}

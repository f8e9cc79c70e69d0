import { Brackets, In, type DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { WebhookDelivery, type WebhookEndpoint, type WebhookEvent } from '../../db/entities';
import { isMySqlFamily, writeTransaction } from '../../db/write-transaction';

/** A delivery this worker holds a lease on, with what it takes to send it. */
export interface ClaimedDelivery {
  readonly delivery: WebhookDelivery;
  readonly event: WebhookEvent;
  readonly endpoint: WebhookEndpoint;
  /** The lease's `lockedUntil`: every later write checks it is still ours. */
  readonly lease: Date;
}

/**
 * The queue in `webhook_delivery`: claiming due rows under a lease, and
 * handing them back. A lease (not a held row lock) is what keeps a delivery
 * to one worker while it is sent, because the HTTP request takes far longer
 * than a transaction should stay open; a worker killed mid-send simply lets
 * its leases run out, and the rows are claimed again.
 */
export class DeliveryQueue {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Leases up to `limit` due deliveries and loads them.
   *
   * MySQL/MariaDB: `SELECT ... FOR UPDATE SKIP LOCKED` in a READ COMMITTED
   * transaction, then the lease UPDATE, then commit. Two workers claiming at
   * once lock disjoint rows: each skips what the other has locked instead of
   * waiting for it, and once the first commits, its rows carry a lease the
   * second's WHERE excludes. (MariaDB has SKIP LOCKED since 10.6; TypeORM emits
   * it for both engines.)
   *
   * SQLite: the same statements through `writeTransaction`, which holds the
   * database's single write lock from its first statement, so claims cannot
   * interleave, even across processes.
   */
  async claim(limit: number, leaseMs: number, clock: () => Date = () => new Date()): Promise<ClaimedDelivery[]> {
    // Most polls find nothing: a plain read first keeps idle polling out of the
    // write path (on SQLite, out of the one writer queue the API uses too).
    const anyDue = await this.due(this.dataSource.manager, clock()).select('d.id', 'id').limit(1).getRawOne();
    if (!anyDue) return [];
    let lease!: Date;
    const ids = await writeTransaction(this.dataSource, async (manager) => {
      // Read the clock once the transaction has started: waiting for SQLite's
      // write lock must not eat into the lease.
      const now = clock();
      lease = new Date(now.getTime() + leaseMs);
      const select = this.due(manager, now).select('d.id', 'id').orderBy('d.nextAttemptAt', 'ASC').addOrderBy('d.id', 'ASC').limit(limit);
      if (isMySqlFamily(this.dataSource)) select.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows: { id: number | string }[] = await select.getRawMany();
      const claimed = rows.map((r) => Number(r.id));
      if (claimed.length > 0) {
        await manager.createQueryBuilder().update(WebhookDelivery).set({ lockedUntil: lease }).whereInIds(claimed).execute();
      }
      return claimed;
    });
    if (ids.length === 0) return [];
    const deliveries = await this.dataSource
      .getRepository(WebhookDelivery)
      .find({ where: { id: In(ids) }, relations: { event: true, endpoint: true }, order: { nextAttemptAt: 'ASC', id: 'ASC' } });
    // A row deleted since (its endpoint was) has nothing left to send.
    return deliveries
      .filter((d) => d.event && d.endpoint)
      .map((d) => ({ delivery: d, event: d.event!, endpoint: d.endpoint!, lease }));
  }

  /**
   * Gives a claim back untouched (the worker is stopping): due again at once
   * for whichever worker looks next, with no attempt counted.
   */
  async release(claim: ClaimedDelivery): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ lockedUntil: null })
      .where('id = :id AND lockedUntil = :lease', { id: claim.delivery.id, lease: claim.lease })
      .execute();
  }

  private due(manager: EntityManager, now: Date): SelectQueryBuilder<WebhookDelivery> {
    return manager
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.status = :pending', { pending: 'PENDING' })
      .andWhere('d.nextAttemptAt <= :now', { now })
      .andWhere(new Brackets((free) => free.where('d.lockedUntil IS NULL').orWhere('d.lockedUntil <= :now', { now })));
  }
}

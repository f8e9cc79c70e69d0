import type { DataSource, EntityManager } from 'typeorm';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint, type WebhookDeliveryStatus } from '../../db/entities';
import { writeTransaction } from '../../db/write-transaction';
import type { AuditLog } from '../../domain/audit/audit-log';
import type { ClaimedDelivery } from './claim';
import type { RetrySchedule } from './schedule';
import { truncate, type AttemptOutcome } from './send';

export interface OutcomeRules {
  readonly schedule: RetrySchedule;
  /** `WEBHOOK_DISABLE_AFTER_MS`: how long an endpoint may keep failing before it is disabled. */
  readonly disableAfterMs: number;
}

/** Where the delivery goes after an attempt. */
interface NextState {
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
}

type DeliveryColumns = Partial<Pick<WebhookDelivery, 'status' | 'nextAttemptAt' | 'attempts' | 'lastStatusCode' | 'lastError'>>;

const DISABLED_REASON_LENGTH = 200; // webhook_endpoint.disabledReason is varchar(200)

/**
 * Writes what became of a claimed delivery: the attempt row (the delivery
 * log), the delivery's next state, and the endpoint's health. Every write to
 * the delivery is conditional on the lease (`lockedUntil`) still being this
 * worker's, so a worker that overran its lease cannot overwrite the work of
 * the one that claimed the row after it.
 */
export class DeliveryOutcomes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly rules: OutcomeRules,
  ) {}

  /** Nothing was sent, and nothing will be: the reason goes to `lastError`. */
  async skipped(claim: ClaimedDelivery, reason: string): Promise<void> {
    await writeTransaction(this.dataSource, (manager) =>
      this.updateDelivery(manager, claim, { status: 'SKIPPED', nextAttemptAt: null, lastError: truncate(reason) }),
    );
  }

  /** Records one attempt; returns false when the lease had been lost (the attempt is logged all the same). */
  async attempted(claim: ClaimedDelivery, outcome: AttemptOutcome, at: Date): Promise<boolean> {
    const attempts = claim.delivery.attempts + 1;
    const next = this.nextState(outcome, attempts, at);
    return writeTransaction(this.dataSource, async (manager) => {
      const held = await this.updateDelivery(manager, claim, {
        ...next,
        attempts,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
      });
      // The request was made either way, so the log says so either way.
      await manager.getRepository(WebhookAttempt).insert({
        deliveryId: claim.delivery.id,
        accountId: claim.delivery.accountId,
        at,
        statusCode: outcome.statusCode,
        latencyMs: outcome.latencyMs,
        succeeded: outcome.succeeded,
        error: outcome.error,
      });
      if (!held) return false;
      const disabledFor = await this.updateEndpointHealth(manager, claim, outcome, at);
      if (disabledFor && next.status === 'PENDING') {
        // This attempt disabled the endpoint: its own delivery ends here as failed, not skipped.
        await manager.getRepository(WebhookDelivery).update({ id: claim.delivery.id }, { status: 'FAILED', nextAttemptAt: null });
      }
      return true;
    });
  }

  private nextState(outcome: AttemptOutcome, attempts: number, at: Date): NextState {
    if (outcome.succeeded) return { status: 'SUCCEEDED', nextAttemptAt: null };
    // Standard Webhooks: 410 Gone means "stop sending", not "try later".
    if (outcome.statusCode === 410) return { status: 'FAILED', nextAttemptAt: null };
    const retryAt = this.rules.schedule.nextAttemptAt(attempts, at);
    return retryAt ? { status: 'PENDING', nextAttemptAt: retryAt } : { status: 'FAILED', nextAttemptAt: null };
  }

  /** Conditional on the lease; true when it was still ours. Releases the lease. */
  private async updateDelivery(manager: EntityManager, claim: ClaimedDelivery, values: DeliveryColumns): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ ...values, lockedUntil: null })
      .where('id = :id AND status = :pending AND lockedUntil = :lease', { id: claim.delivery.id, pending: 'PENDING', lease: claim.lease })
      .execute();
    return result.affected === 1;
  }

  /**
   * `failingSince` marks the start of a run of failures and a success clears
   * it. Both updates are conditional, so workers recording outcomes for one
   * endpoint at once agree on when the run began, and only one of them
   * disables it. Returns the reason when this call disabled the endpoint.
   */
  private async updateEndpointHealth(manager: EntityManager, claim: ClaimedDelivery, outcome: AttemptOutcome, at: Date): Promise<string | null> {
    const endpoints = manager.createQueryBuilder().update(WebhookEndpoint);
    const id = claim.endpoint.id;
    if (outcome.succeeded) {
      await endpoints.set({ failingSince: null }).where('id = :id AND failingSince IS NOT NULL', { id }).execute();
      return null;
    }
    await endpoints.set({ failingSince: at }).where('id = :id AND failingSince IS NULL', { id }).execute();
    if (outcome.statusCode === 410) {
      return this.disable(manager, claim, `answered 410 Gone on ${at.toISOString()}`, at);
    }
    const cutoff = new Date(at.getTime() - this.rules.disableAfterMs);
    const since = claim.endpoint.failingSince ?? at;
    if (since > cutoff) return null; // cheap pre-check; the UPDATE below decides
    return this.disable(manager, claim, `failing since ${since.toISOString()} (longer than ${humanDuration(this.rules.disableAfterMs)})`, at, cutoff);
  }

  /**
   * Disables the endpoint (if still enabled, and, with `failingBefore`, if
   * still failing since then), audits it as the system acting for the account,
   * and skips its other pending deliveries so they do not wait out their
   * retries for nothing; a claimed one finishes and is skipped at its next try.
   */
  private async disable(manager: EntityManager, claim: ClaimedDelivery, reason: string, at: Date, failingBefore?: Date): Promise<string | null> {
    const disabledReason = truncate(reason, DISABLED_REASON_LENGTH);
    const update = manager
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({ enabled: false, disabledReason })
      .where('id = :id AND enabled = :enabled', { id: claim.endpoint.id, enabled: true });
    if (failingBefore) update.andWhere('failingSince <= :failingBefore', { failingBefore });
    const result = await update.execute();
    if (result.affected !== 1) return null;

    await this.audit.record(manager, { kind: 'operator', accountId: claim.endpoint.accountId }, {
      action: 'webhook_endpoint.disabled',
      targetType: 'WebhookEndpoint',
      targetId: claim.endpoint.id,
      changes: { enabled: { from: true, to: false }, disabledReason: { from: claim.endpoint.disabledReason, to: disabledReason } },
    });
    await manager
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: 'SKIPPED', nextAttemptAt: null, lastError: `endpoint disabled: ${disabledReason}` })
      .where('endpointId = :id AND status = :pending AND id <> :own', { id: claim.endpoint.id, pending: 'PENDING', own: claim.delivery.id })
      .andWhere('(lockedUntil IS NULL OR lockedUntil <= :at)', { at })
      .execute();
    return disabledReason;
  }
}

function humanDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1_000, 'second']];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? '' : 's'}`;
  }
  return `${ms} ms`;
}

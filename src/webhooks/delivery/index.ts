import type { DataSource } from 'typeorm';
import { defaultConfig, type Config } from '../../config';
import type { ApiKeyRepository } from '../../db/repositories/api-key-repository';
import type { AuditLog } from '../../domain/audit/audit-log';
import type { BackgroundLog } from '../../domain/request-logs/request-log-service';
import type { ScopeEngine } from '../../scopes/engine';
import type { WebhookEventCatalog } from '../event-catalog';
import type { WebhookSignal } from '../signal';
import { DeliveryQueue } from './claim';
import { DeliveryEligibility } from './eligibility';
import { DeliveryOutcomes } from './outcome';
import { RetrySchedule } from './schedule';
import { DeliveryWorker } from './worker';

export { DeliveryWorker };

export type WebhookWorkerSetting =
  | 'WEBHOOKS_ALLOW_INSECURE'
  | 'WEBHOOK_POLL_MS'
  | 'WEBHOOK_CONCURRENCY'
  | 'WEBHOOK_TIMEOUT_MS'
  | 'WEBHOOK_LEASE_MS'
  | 'WEBHOOK_RETRY_SCHEDULE'
  | 'WEBHOOK_DISABLE_AFTER_MS';

export interface DeliveryWorkerDeps {
  readonly keys: Pick<ApiKeyRepository, 'findInAccount'>;
  readonly engine: ScopeEngine;
  readonly events: WebhookEventCatalog;
  readonly audit: AuditLog;
  readonly signal: WebhookSignal;
  readonly log: BackgroundLog;
}

/** The delivery worker on a DataSource, configured from the environment; `start()` is the caller's. */
export function createDeliveryWorker(dataSource: DataSource, deps: DeliveryWorkerDeps, settings: Partial<Pick<Config, WebhookWorkerSetting>> = {}): DeliveryWorker {
  const config = { ...defaultConfig, ...settings };
  const outcomes = new DeliveryOutcomes(dataSource, deps.audit, {
    schedule: new RetrySchedule(config.WEBHOOK_RETRY_SCHEDULE),
    disableAfterMs: config.WEBHOOK_DISABLE_AFTER_MS,
  });
  return new DeliveryWorker(
    {
      queue: new DeliveryQueue(dataSource),
      outcomes,
      eligibility: new DeliveryEligibility(deps.keys, deps.engine, deps.events),
      signal: deps.signal,
      log: deps.log,
    },
    {
      pollMs: config.WEBHOOK_POLL_MS,
      concurrency: config.WEBHOOK_CONCURRENCY,
      leaseMs: config.WEBHOOK_LEASE_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowInsecure: config.WEBHOOKS_ALLOW_INSECURE,
    },
  );
}

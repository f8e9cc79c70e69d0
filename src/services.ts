import type { DataSource } from 'typeorm';
import { KeyAuthenticator } from './auth/authenticator';
import { LastUsedTracker } from './auth/last-used';
import { ListedOrigins } from './auth/listed-origins';
import { CacheInvalidation } from './cluster/cache-invalidation';
import { defaultConfig, type Config } from './config';
import { createRepositories, type Repositories } from './db/repositories';
import { BookingService } from './domain/bookings/booking-service';
import { CustomerService } from './domain/customers/customer-service';
import { AuditLog } from './domain/audit/audit-log';
import { KeyService } from './domain/keys/key-service';
import { PolicyService } from './domain/policies/policy-service';
import { ProductService } from './domain/products/product-service';
import { ReportService } from './domain/reports/report-service';
import { RequestLogService, type BackgroundLog } from './domain/request-logs/request-log-service';
import { defaultCatalog } from './scopes/catalog';
import { ScopeEngine } from './scopes/engine';
import { createDeliveryWorker, type DeliveryWorker, type WebhookWorkerSetting } from './webhooks/delivery';
import { WebhookDeliveryLog } from './webhooks/delivery-log';
import { WebhookEndpointService } from './webhooks/endpoint-service';
import { defaultWebhookEventCatalog, type WebhookEventCatalog } from './webhooks/event-catalog';
import { WebhookRetention } from './webhooks/retention';
import { WebhookSignal } from './webhooks/signal';
import { PruneSchedule } from './domain/prune-schedule';

/**
 * Everything a request, a CLI command or a test needs, wired once. The API,
 * the CLI and the tests build the same graph, so they exercise the same rules.
 */
export interface Services {
  readonly dataSource: DataSource;
  readonly repos: Repositories;
  readonly engine: ScopeEngine;
  readonly keys: KeyService;
  readonly policies: PolicyService;
  readonly audit: AuditLog;
  readonly authenticator: KeyAuthenticator;
  /** lastUsedAt bookkeeping; `flush()` on shutdown. */
  readonly lastUsed: LastUsedTracker;
  readonly listedOrigins: ListedOrigins;
  /** Tells the key caches about key and policy changes; the server connects it to the other instances (src/cluster). */
  readonly invalidation: CacheInvalidation;
  readonly products: ProductService;
  readonly customers: CustomerService;
  readonly bookings: BookingService;
  readonly reports: ReportService;
  readonly requestLogs: RequestLogService;
  readonly webhookEvents: WebhookEventCatalog;
  readonly webhookEndpoints: WebhookEndpointService;
  readonly webhookDeliveries: WebhookDeliveryLog;
  /** Poked after every commit that wrote webhook deliveries; the delivery worker subscribes. */
  readonly webhookSignal: WebhookSignal;
  /** Sends pending deliveries; started by the server (`createApp`), never by the CLI. */
  readonly webhookWorker: DeliveryWorker;
  /** Deletes webhook history past WEBHOOK_RETENTION_DAYS. */
  readonly webhookRetention: WebhookRetention;
  /** Runs webhookRetention hourly; started by the server (`createApp`), stopped before the database closes. */
  readonly webhookPruning: PruneSchedule;
}

export function createServices(
  dataSource: DataSource,
  config: Pick<Config, 'KEY_CACHE_TTL_MS' | 'KEY_CACHE_MAX'> & Partial<Pick<Config, RequestLogSetting | WebhookWorkerSetting | 'WEBHOOK_RETENTION_DAYS'>>,
  log: BackgroundLog = { warn: () => undefined },
): Services {
  const repos = createRepositories(dataSource);
  const engine = new ScopeEngine(defaultCatalog());
  const lastUsed = new LastUsedTracker(repos.apiKeys, (error) => log.warn({ err: error }, 'background write failed'));
  const authenticator = new KeyAuthenticator(repos.apiKeys, engine, {
    cacheTtlMs: config.KEY_CACHE_TTL_MS,
    cacheMax: config.KEY_CACHE_MAX,
    onUsed: (key, at) => lastUsed.touch(key, at),
    cacheTrusted: () => invalidation.cacheTrusted,
  });
  const listedOrigins = new ListedOrigins(repos.apiKeys);
  // Made here or (through Redis) on another instance: drop what the caches hold.
  const invalidation = new CacheInvalidation((change) => {
    if ('keyId' in change) {
      authenticator.invalidate(change.keyId);
      lastUsed.forget(change.keyId);
    } else {
      authenticator.invalidateAll();
    }
    listedOrigins.invalidate();
  });
  const audit = new AuditLog(dataSource);
  const webhookSignal = new WebhookSignal();
  const webhookEvents = defaultWebhookEventCatalog();
  const webhookRetention = new WebhookRetention(dataSource, config.WEBHOOK_RETENTION_DAYS ?? defaultConfig.WEBHOOK_RETENTION_DAYS);
  const keys = new KeyService(dataSource, repos, engine, audit, {
    keyChanged: (keyId) => {
      // Dropped here at once; the promise settles once the other instances have been told.
      const told = invalidation.changed({ keyId });
      // After commit; a revocation wrote `api_key.revoked`. Other key changes
      // write no event, and their poke costs the worker one empty look.
      webhookSignal.notify();
      return told;
    },
  });
  // Any key may hold a policy, so a policy change drops every cached key.
  const policies = new PolicyService(dataSource, repos, engine, audit, {
    policiesChanged: () => invalidation.changed({ all: 'scope policy changed' }),
  });
  return {
    dataSource,
    repos,
    engine,
    keys,
    policies,
    authenticator,
    lastUsed,
    listedOrigins,
    invalidation,
    audit,
    products: new ProductService(dataSource, repos, webhookSignal),
    customers: new CustomerService(dataSource, repos, webhookSignal),
    bookings: new BookingService(dataSource, repos, { webhookSignal }),
    reports: new ReportService(repos),
    requestLogs: new RequestLogService(repos.requestLogs, log, requestLogOptions({ ...defaultConfig, ...config })),
    webhookEvents,
    webhookEndpoints: new WebhookEndpointService(dataSource, audit, webhookEvents, {
      allowInsecure: config.WEBHOOKS_ALLOW_INSECURE ?? defaultConfig.WEBHOOKS_ALLOW_INSECURE,
    }),
    webhookDeliveries: new WebhookDeliveryLog(dataSource, webhookSignal),
    webhookSignal,
    webhookWorker: createDeliveryWorker(dataSource, { keys: repos.apiKeys, engine, events: webhookEvents, audit, signal: webhookSignal, log }, config),
    webhookRetention,
    webhookPruning: new PruneSchedule('webhook events', (now) => webhookRetention.prune(now), log),
  };
}

type RequestLogSetting = 'REQUEST_LOG_RETENTION_DAYS' | 'REQUEST_LOG_FLUSH_MS' | 'REQUEST_LOG_BATCH_SIZE' | 'REQUEST_LOG_BUFFER_MAX';

function requestLogOptions(config: Pick<Config, RequestLogSetting>) {
  return {
    retentionDays: config.REQUEST_LOG_RETENTION_DAYS,
    flushMs: config.REQUEST_LOG_FLUSH_MS,
    batchSize: config.REQUEST_LOG_BATCH_SIZE,
    maxBuffered: config.REQUEST_LOG_BUFFER_MAX,
  };
}

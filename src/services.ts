import type { DataSource } from 'typeorm';
import { KeyAuthenticator } from './auth/authenticator';
import { LastUsedTracker } from './auth/last-used';
import { ListedOrigins } from './auth/listed-origins';
import type { Config } from './config';
import { createRepositories, type Repositories } from './db/repositories';
import { BookingService } from './domain/bookings/booking-service';
import { CustomerService } from './domain/customers/customer-service';
import { AuditLog } from './domain/audit/audit-log';
import { KeyService } from './domain/keys/key-service';
import { ProductService } from './domain/products/product-service';
import { ReportService } from './domain/reports/report-service';
import { defaultCatalog } from './scopes/catalog';
import { ScopeEngine } from './scopes/engine';

/**
 * Everything a request, a CLI command or a test needs, wired once. The API,
 * the CLI and the tests build the same graph, so they exercise the same rules.
 */
export interface Services {
  readonly dataSource: DataSource;
  readonly repos: Repositories;
  readonly engine: ScopeEngine;
  readonly keys: KeyService;
  readonly audit: AuditLog;
  readonly authenticator: KeyAuthenticator;
  readonly listedOrigins: ListedOrigins;
  readonly products: ProductService;
  readonly customers: CustomerService;
  readonly bookings: BookingService;
  readonly reports: ReportService;
}

export function createServices(
  dataSource: DataSource,
  config: Pick<Config, 'KEY_CACHE_TTL_MS' | 'KEY_CACHE_MAX'>,
  onBackgroundError: (error: unknown) => void = () => undefined,
): Services {
  const repos = createRepositories(dataSource);
  const engine = new ScopeEngine(defaultCatalog());
  const lastUsed = new LastUsedTracker(repos.apiKeys, onBackgroundError);
  const authenticator = new KeyAuthenticator(repos.apiKeys, engine, {
    cacheTtlMs: config.KEY_CACHE_TTL_MS,
    cacheMax: config.KEY_CACHE_MAX,
    onUsed: (key, at) => lastUsed.touch(key, at),
  });
  const listedOrigins = new ListedOrigins(repos.apiKeys);
  const audit = new AuditLog(dataSource);
  const keys = new KeyService(dataSource, repos, engine, {
    keyChanged: (keyId) => {
      authenticator.invalidate(keyId);
      lastUsed.forget(keyId);
      listedOrigins.invalidate();
    },
  });
  return {
    dataSource,
    repos,
    engine,
    keys,
    authenticator,
    listedOrigins,
    audit,
    products: new ProductService(dataSource, repos),
    customers: new CustomerService(dataSource, repos),
    bookings: new BookingService(dataSource, repos),
    reports: new ReportService(repos),
  };
}

import DataLoader from 'dataloader';
import type { ApiKey, Booking, Customer, Product, RequestLog, ScopePolicy, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../db/entities';
import type { Page, PageRequest } from '../domain/pages';
import type { Services } from '../services';

/**
 * Per-request DataLoaders: a list of N keys costs one query per relation, not N.
 * They are made per request, bound to the caller's account, so one caller's rows
 * are never served to another and an id of another account loads as null
 * (exactly like an id that does not exist).
 */
export interface Loaders {
  policiesOfKey: DataLoader<number, ScopePolicy[]>;
  keyInAccount: DataLoader<number, ApiKey | null>;
  product: DataLoader<number, Product | null>;
  customer: DataLoader<number, Customer | null>;
  booking: DataLoader<number, Booking | null>;
  /** The loader for one page shape of `Customer.bookings`, keyed by customer id. */
  bookingsOfCustomers(page: PageRequest): DataLoader<number, Page<Booking>>;
  /** The loader for one page shape of `ApiKey.requestLogs`, keyed by key id. */
  requestLogsOfKeys(page: PageRequest): DataLoader<number, Page<RequestLog>>;
  webhookEndpoint: DataLoader<number, WebhookEndpoint | null>;
  webhookDelivery: DataLoader<number, WebhookDelivery | null>;
  /** An event's type by event id (never its payload). */
  webhookEventType: DataLoader<number, string | null>;
  /** The loader for one page shape of `WebhookDelivery.attemptLog`, keyed by delivery id. */
  webhookAttemptsOfDeliveries(page: PageRequest): DataLoader<number, Page<WebhookAttempt>>;
}

/**
 * Each loader is made on first use: a request touches two or three of the eleven,
 * and a request that reads nothing through them (most mutations, `viewer`) makes
 * none. Once made, a loader lives for the rest of the request as before.
 */
export function createLoaders(services: Services, accountId: number): Loaders {
  return new RequestLoaders(services, accountId);
}

class RequestLoaders implements Loaders {
  // One field per loader (not a map keyed by name): a resolver reads these on every row.
  #policiesOfKey?: Loaders['policiesOfKey'];
  #keyInAccount?: Loaders['keyInAccount'];
  #product?: Loaders['product'];
  #customer?: Loaders['customer'];
  #booking?: Loaders['booking'];
  #bookingsOfCustomers?: Loaders['bookingsOfCustomers'];
  #requestLogsOfKeys?: Loaders['requestLogsOfKeys'];
  #webhookEndpoint?: Loaders['webhookEndpoint'];
  #webhookDelivery?: Loaders['webhookDelivery'];
  #webhookEventType?: Loaders['webhookEventType'];
  #webhookAttemptsOfDeliveries?: Loaders['webhookAttemptsOfDeliveries'];

  constructor(
    private readonly services: Services,
    private readonly accountId: number,
  ) {}

  get policiesOfKey() {
    return (this.#policiesOfKey ??= new DataLoader(async (ids) => {
      const byKey = await this.services.repos.apiKeys.policiesOfKeys(ids);
      return ids.map((id) => byKey.get(id) ?? []);
    }));
  }

  get keyInAccount() {
    return (this.#keyInAccount ??= byId((ids) => this.services.repos.apiKeys.findManyInAccount(this.accountId, ids)));
  }

  get product() {
    return (this.#product ??= byId((ids) => this.services.products.findByIds(this.accountId, ids)));
  }

  get customer() {
    return (this.#customer ??= byId((ids) => this.services.customers.findByIds(this.accountId, ids)));
  }

  get booking() {
    return (this.#booking ??= byId((ids) => this.services.bookings.findByIds(this.accountId, ids)));
  }

  get bookingsOfCustomers() {
    return (this.#bookingsOfCustomers ??= pagesPerShape((ids, page) => this.services.bookings.pageByCustomers(this.accountId, ids, page)));
  }

  get requestLogsOfKeys() {
    return (this.#requestLogsOfKeys ??= pagesPerShape((ids, page) => this.services.requestLogs.pageByKeys(this.accountId, ids, page)));
  }

  get webhookEndpoint() {
    return (this.#webhookEndpoint ??= byId((ids) => this.services.webhookEndpoints.findByIds(this.accountId, ids)));
  }

  get webhookDelivery() {
    return (this.#webhookDelivery ??= byId((ids) => this.services.webhookDeliveries.findByIds(this.accountId, ids)));
  }

  get webhookEventType() {
    return (this.#webhookEventType ??= new DataLoader(async (ids) => {
      const types = await this.services.webhookDeliveries.eventTypes(this.accountId, ids);
      return ids.map((id) => types.get(id) ?? null);
    }));
  }

  get webhookAttemptsOfDeliveries() {
    return (this.#webhookAttemptsOfDeliveries ??= pagesPerShape((ids, page) =>
      this.services.webhookDeliveries.attemptsByDeliveries(this.accountId, ids, page),
    ));
  }
}

/**
 * Loaders for a nested connection (each customer's bookings, each key's logs).
 * One loader per distinct (first, after): every parent in a batch must share
 * the page shape so that one windowed query answers them all. Aliases asking
 * different pages get their own loader and their own single query.
 */
function pagesPerShape<T>(
  fetch: (parentIds: readonly number[], page: PageRequest) => Promise<Map<number, Page<T>>>,
): (page: PageRequest) => DataLoader<number, Page<T>> {
  const loaders = new Map<string, DataLoader<number, Page<T>>>();
  return (page) => {
    const shape = `${page.first}:${page.afterId ?? ''}`;
    let loader = loaders.get(shape);
    if (!loader) {
      loader = new DataLoader(async (parentIds) => {
        const pages = await fetch(parentIds, page);
        return parentIds.map((id) => pages.get(id) ?? { nodes: [], hasNextPage: false });
      });
      loaders.set(shape, loader);
    }
    return loader;
  };
}

/**
 * A loader over a `findByIds` that returns rows in any order and omits the ids
 * it cannot see; DataLoader needs one answer per key, in key order.
 */
function byId<T extends { id: number }>(findByIds: (ids: readonly number[]) => Promise<T[]>): DataLoader<number, T | null> {
  return new DataLoader(async (ids) => {
    const rows = new Map((await findByIds(ids)).map((row) => [row.id, row] as const));
    return ids.map((id) => rows.get(id) ?? null);
  });
}

/**
 * SQL statements per request: the real server (`createApp`) on a real database,
 * every statement TypeORM sends counted through the DataSource's logger, for
 * booking pages of several sizes with their customers and products.
 */
import type { App } from '../src/app';
import { statementCounter } from '../test/support/statement-counter';

export const BOOKING_PAGE_QUERY = `query Page($first: Int) {
  bookings(first: $first) { edges { node {
    reference startsAt quantity totalCents
    product { name priceCents }
    customer { name email }
  } } }
}`;

/** The page sizes the issue names: the count must be the same for each. */
export const PAGE_SIZES = [5, 50, 100];

export interface SqlCount {
  pageSize: number;
  statements: number;
}

/**
 * The app must run with a key cache longer than this takes, its request log
 * flush held back, and no webhook worker, so that only the request's own reads
 * are counted. The first request (which also writes lastUsedAt) is not counted.
 */
export async function countStatements(app: App, key: string, pageSizes: readonly number[]): Promise<SqlCount[]> {
  const { logger, statements } = statementCounter();
  const dataSource = app.services.dataSource;
  const previous = dataSource.logger;
  dataSource.setOptions({ logger });
  try {
    await request(app, key, pageSizes[0]!);
    // lastUsedAt is written after the response; let it land before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const counts: SqlCount[] = [];
    for (const pageSize of pageSizes) {
      statements.length = 0;
      const rows = await request(app, key, pageSize);
      if (rows !== pageSize) throw new Error(`a page of ${pageSize} bookings returned ${rows} rows: seed more bookings`);
      counts.push({ pageSize, statements: statements.length });
    }
    return counts;
  } finally {
    dataSource.setOptions({ logger: previous });
  }
}

async function request(app: App, key: string, first: number): Promise<number> {
  const response = await app.http.inject({
    method: 'POST',
    url: '/graphql',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    payload: { query: BOOKING_PAGE_QUERY, variables: { first } },
  });
  const body = response.json() as { data?: { bookings: { edges: unknown[] } }; errors?: unknown[] };
  if (response.statusCode !== 200 || body.errors) throw new Error(`bookings page failed: ${response.statusCode} ${response.body}`);
  return body.data!.bookings.edges.length;
}

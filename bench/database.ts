/**
 * The benchmark's database and data: a MariaDB database created for the run and
 * dropped after it, filled through the domain services (the same rules as the
 * API), and the server configuration every database-backed part uses.
 */
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import type { Services } from '../src/services';

export const MYSQL_SERVER = process.env.SCOPEQL_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306';
/** SCOPEQL_BENCH_DATABASE names another, so that two runs on one server do not drop each other's. */
export const BENCH_DATABASE = process.env.SCOPEQL_BENCH_DATABASE ?? 'scopeql_bench';

/** What the bookings query of the SQL count and end-to-end parts may read. */
export const READ_SCOPES = ['products:read', 'customers:read', 'bookings:read'];

export interface BenchDatabase {
  readonly url: string;
  readonly dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh `scopeql_bench` (dropped first if an interrupted run left one), migrated. */
export async function createBenchDatabase(server = MYSQL_SERVER, name = BENCH_DATABASE): Promise<BenchDatabase> {
  const admin = await createConnection(server);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = `${server}/${name}`;
  const dataSource = await openDatabase({ DATABASE_URL: url, MIGRATIONS_RUN: true });
  return {
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      const conn = await createConnection(server);
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

/**
 * The server as the benchmark runs it: quiet, no webhook worker (its polls would
 * land in the SQL counts and the timings), rate limits out of reach.
 */
export function benchConfig(databaseUrl: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    MIGRATIONS_RUN: 'false',
    WEBHOOK_WORKER: 'false',
    RATE_LIMIT_REQUESTS: '1000000000',
    RATE_LIMIT_UNAUTHENTICATED: '1000000000',
    COST_BUCKET_SIZE: '1000000000',
    COST_RESTORE_RATE: '1000000000',
    ...overrides,
  });
}

export interface SeedSize {
  products: number;
  customers: number;
  bookings: number;
}

export const FULL_SEED: SeedSize = { products: 4, customers: 100, bookings: 200 };
export const TINY_SEED: SeedSize = { products: 2, customers: 10, bookings: 100 };

const HOUR = 3_600_000;

/** An account with products, customers and one-hour bookings (each in its own hour, so capacity never interferes). */
export async function seed(services: Services, size: SeedSize, slug = 'bench'): Promise<{ accountId: number }> {
  const { id: accountId } = await services.repos.accounts.findOrCreate(slug, slug);
  const products: { id: number }[] = [];
  for (let i = 0; i < size.products; i++) {
    products.push(await services.products.create(accountId, { name: `Product ${i}`, description: 'Benchmark product', priceCents: 1000 + i, capacity: 10 }));
  }
  const customers: { id: number }[] = [];
  for (let i = 0; i < size.customers; i++) {
    customers.push(await services.customers.create(accountId, { name: `Customer ${i}`, email: `customer${i}@bench.example.com` }));
  }
  const now = new Date();
  const base = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + 7 * 24 * HOUR;
  await inBatches(size.bookings, 4, async (i) => {
    const startsAt = new Date(base + i * HOUR);
    await services.bookings.create(accountId, {
      productId: products[i % products.length]!.id,
      customerId: customers[i % customers.length]!.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      quantity: 1 + (i % 3),
    });
  });
  return { accountId };
}

/** `count` keys of the account, minted as the operator (the CLI's path). */
export async function mintKeys(services: Services, accountId: number, count: number, scopes: readonly string[][], prefix = 'bench'): Promise<string[]> {
  const secrets: string[] = new Array<string>(count);
  await inBatches(count, 8, async (i) => {
    const { secret } = await services.keys.create({ kind: 'operator', accountId }, { name: `${prefix} ${i}`, scopes: [...scopes[i % scopes.length]!] });
    secrets[i] = secret;
  });
  return secrets;
}

async function inBatches(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { DropTimedOutConnections } from './drop-timed-out-connections';
import { entities } from './entities';
import { mysqlMigrations } from './migrations/mysql';
import { sqliteMigrations } from './migrations/sqlite';

export type DatabaseKind = 'mysql' | 'sqlite';

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('mysql:') ? 'mysql' : 'sqlite';
}

/**
 * The one way a DataSource is made: the app, the TypeORM CLI (through
 * ormconfig.ts), the operator CLI and the tests all come through here.
 * `synchronize` is never on: schema changes go through migrations.
 * Migrations are listed explicitly rather than globbed, so the same list loads
 * from `src/` under jest/tsx and from `dist/` under node.
 */
export function dataSourceOptions(url: string, options: ConnectionOptions = {}): DataSourceOptions {
  const common = { entities, synchronize: false, migrationsRun: false, logging: false } as const;
  if (databaseKind(url) === 'mysql') {
    const timeoutMs = options.timeoutMs;
    return {
      ...common,
      type: 'mysql',
      url,
      // Dates are stored as UTC wall time; without this mysql2 would use the server's zone.
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      migrations: mysqlMigrations,
      // TypeORM hands maxQueryExecutionTime to mysql2 as each query's timeout; the
      // subscriber drops a connection whose query timed out (its own comment says why).
      ...(timeoutMs
        ? { connectTimeout: timeoutMs, enableQueryTimeout: true, maxQueryExecutionTime: timeoutMs, subscribers: [DropTimedOutConnections] }
        : {}),
      // Keep-alive lets the OS notice a peer that vanished without a reset.
      extra: { connectionLimit: 10, enableKeepAlive: true },
    };
  }
  const file = url.slice('sqlite:'.length);
  const database = file === ':memory:' ? file : resolve(file);
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    migrations: sqliteMigrations,
    // WAL lets readers proceed while a write commits; foreign keys are off by default in SQLite.
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
  };
}

export interface ConnectionOptions {
  /** Connect and per-statement timeout (MySQL); unset waits as long as the driver does. */
  timeoutMs?: number;
}

export function createDataSource(url: string, options: ConnectionOptions = {}): DataSource {
  return new DataSource(dataSourceOptions(url, options));
}

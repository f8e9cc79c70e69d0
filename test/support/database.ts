import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/app';

/**
 * A database of its own for one test file, so files run in parallel: a fresh
 * MariaDB database (created and dropped here) or a fresh SQLite file, picked by
 * the jest project (SCOPEQL_TEST_DB). MariaDB not being reachable is a failure,
 * never a skip: `.ci/run` must not pass without it.
 */
export const testDatabaseKind = (process.env.SCOPEQL_TEST_DB ?? 'sqlite') as 'mysql' | 'sqlite';

const MYSQL_SERVER = process.env.SCOPEQL_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  readonly url: string;
  readonly dataSource: DataSource;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `scopeql_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  let url: string;
  let cleanup: () => Promise<void>;
  if (testDatabaseKind === 'mysql') {
    const admin = await createConnection(MYSQL_SERVER);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    url = `${MYSQL_SERVER}/${name}`;
    cleanup = async () => {
      const conn = await createConnection(MYSQL_SERVER);
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    };
  } else {
    const file = join(tmpdir(), `${name}.sqlite`);
    url = `sqlite:${file}`;
    cleanup = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    };
  }
  const dataSource = await openDatabase({ DATABASE_URL: url, MIGRATIONS_RUN: true });
  return {
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await cleanup();
    },
  };
}

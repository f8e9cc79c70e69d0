/**
 * `npm run bench`: every part of the benchmark in one run, printed as markdown and
 * written to bench/RESULTS.md. Needs MariaDB on 127.0.0.1:3306 (user root, no
 * password; SCOPEQL_BENCH_MYSQL overrides) for the SQL, end-to-end and memory parts.
 *
 *   --quick   a tiny configuration of every part (seconds, not minutes): checks the
 *             harness works; its numbers mean nothing, so RESULTS.md is left alone
 *   --no-db   the in-process parts only
 *   --out F   write the report to F (default bench/RESULTS.md; with --quick, nowhere)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { benchConfig, createBenchDatabase, FULL_SEED, mintKeys, READ_SCOPES, seed, TINY_SEED } from './database';
import { FULL_SIZE, TINY_SIZE } from './fixture';
import { endToEnd, FULL_LOAD, TINY_LOAD } from './http';
import { inProcess } from './in-process';
import { FULL_VERIFICATION, keyVerification, TINY_VERIFICATION } from './key-verification';
import { FULL_TIMING, TINY_TIMING } from './measure';
import { FULL_MEMORY, memoryUnderLoad, TINY_MEMORY } from './memory';
import { machine, markdown, type Results } from './report';
import { countStatements, PAGE_SIZES } from './sql-count';

/** Scope sets the memory run's keys cycle through, so per-scope-set caches are exercised too. */
const MEMORY_KEY_SCOPES = [['products:read'], ['products:read', 'bookings:read'], READ_SCOPES, ['reports:read']];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const withDatabase = !argv.includes('--no-db');
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : quick ? undefined : join(__dirname, 'RESULTS.md');
  const started = performance.now();
  const progress = (message: string) => process.stderr.write(`[bench ${Math.round((performance.now() - started) / 1000)}s] ${message}\n`);
  progress(machine());

  const results: Results = {
    quick,
    inProcess: await inProcess(quick ? TINY_SIZE : FULL_SIZE, quick ? TINY_TIMING : FULL_TIMING, progress),
    seconds: 0,
  };

  if (withDatabase) {
    progress('database: creating and seeding scopeql_bench');
    const db = await createBenchDatabase();
    try {
      // A key cache and a request log flush longer than the SQL count, so that only the request's own reads are counted.
      const app = await createApp(benchConfig(db.url, { KEY_CACHE_TTL_MS: '60000', REQUEST_LOG_FLUSH_MS: '60000' }), db.dataSource);
      let key: string;
      let memoryKeys: string[];
      const memory = quick ? TINY_MEMORY : FULL_MEMORY;
      try {
        const { accountId } = await seed(app.services, quick ? TINY_SEED : FULL_SEED);
        [key] = await mintKeys(app.services, accountId, 1, [READ_SCOPES], 'bench main');
        memoryKeys = await mintKeys(app.services, accountId, memory.keys, MEMORY_KEY_SCOPES, 'bench memory');
        progress('SQL statements per request');
        results.sqlCounts = await countStatements(app, key!, PAGE_SIZES);
        progress('key verification');
        results.verification = await keyVerification(app.services, key!, quick ? TINY_VERIFICATION : FULL_VERIFICATION);
      } finally {
        await app.close();
      }
      progress('end to end over HTTP');
      results.endToEnd = await endToEnd(db.url, key!, quick ? TINY_LOAD : FULL_LOAD);
      progress(`memory: ${Math.max(...memory.checkpoints).toLocaleString('en')} requests, ${memory.keys} keys`);
      results.memory = await memoryUnderLoad(db.url, memoryKeys!, memory);
    } finally {
      await db.drop();
    }
  }

  results.seconds = (performance.now() - started) / 1000;
  const report = markdown(results);
  process.stdout.write(`${report}\n`);
  if (out) {
    writeFileSync(out, report);
    progress(`written to ${out}`);
  }
}

main().then(
  // Pools and timers of closed apps must not keep a finished run alive.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

/**
 * `npm run bench`: every part of the benchmark in one run, printed as markdown and
 * written to bench/RESULTS.md. Needs MariaDB on 127.0.0.1:3306 (user root, no
 * password; SCOPEQL_BENCH_MYSQL overrides) for the SQL, end-to-end and memory parts.
 *
 * `npm run bench` compiles with tsc (tsconfig.bench.json) and runs dist/bench/run.js
 * with plain node, as `npm start` runs the server; `npx tsx bench/run.ts` runs the
 * TypeScript through tsx instead, children too (see sibling.ts), and is slower.
 *
 *   --quick        a tiny configuration (seconds, not minutes): checks the harness
 *                  works; its numbers mean nothing, so RESULTS.md is left alone
 *   --only P[,P]   only these parts: in-process, sql, verification, e2e, memory;
 *                  a partial report leaves RESULTS.md alone (unless --out)
 *   --no-db        the in-process part only (same as --only in-process)
 *   --out F        write the report to F (default bench/RESULTS.md; with --quick
 *                  or a part left out, nowhere)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { projectRoot } from '../src/paths';
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

const PARTS = ['in-process', 'sql', 'verification', 'e2e', 'memory'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  quick: boolean;
  parts: ReadonlySet<Part>;
  out: string | undefined;
}

/** Throws on anything it does not know: a typo must not start a minutes-long run that overwrites RESULTS.md. */
function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let noDb = false;
  let only: Part[] | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--no-db') noDb = true;
    else if (arg === '--only' || arg === '--out') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new Error(`${arg} needs a value`);
      if (arg === '--out') out = value;
      else {
        const names = value.split(',').map((name) => name.trim());
        const unknown = names.filter((name) => !(PARTS as readonly string[]).includes(name));
        if (unknown.length) throw new Error(`unknown part ${unknown.map((name) => `"${name}"`).join(', ')} for --only (parts: ${PARTS.join(', ')})`);
        only = [...(only ?? []), ...(names as Part[])];
      }
    } else throw new Error(`unknown argument ${arg} (flags: --quick, --only ${PARTS.join(',')}, --no-db, --out FILE)`);
  }
  const parts = new Set<Part>(noDb ? ['in-process'] : (only ?? PARTS));
  if (noDb && only?.some((part) => part !== 'in-process')) throw new Error('--no-db leaves only the in-process part, but --only names database parts');
  // A smoke run or a partial report must not replace the full one.
  const partial = parts.size < PARTS.length;
  // The repo's bench/, not __dirname: compiled, this file runs from dist/bench/.
  if (out === undefined && !quick && !partial) out = join(projectRoot, 'bench', 'RESULTS.md');
  return { quick, parts, out };
}

async function main(options: Options): Promise<void> {
  const { quick, parts, out } = options;
  const started = performance.now();
  const progress = (message: string) => process.stderr.write(`[bench ${Math.round((performance.now() - started) / 1000)}s] ${message}\n`);
  progress(machine());

  const results: Results = { quick, seconds: 0 };
  if (parts.size < PARTS.length) results.only = PARTS.filter((part) => parts.has(part));
  if (parts.has('in-process')) {
    results.inProcess = await inProcess(quick ? TINY_SIZE : FULL_SIZE, quick ? TINY_TIMING : FULL_TIMING, progress);
  }

  if (PARTS.some((part) => part !== 'in-process' && parts.has(part))) {
    progress('database: creating and seeding scopeql_bench');
    const db = await createBenchDatabase();
    try {
      // A key cache and a request log flush longer than the SQL count, so that only the request's own reads are counted.
      const app = await createApp(benchConfig(db.url, { KEY_CACHE_TTL_MS: '60000', REQUEST_LOG_FLUSH_MS: '60000' }), db.dataSource);
      let key: string;
      let memoryKeys: string[] = [];
      const memory = quick ? TINY_MEMORY : FULL_MEMORY;
      try {
        const { accountId } = await seed(app.services, quick ? TINY_SEED : FULL_SEED);
        [key] = await mintKeys(app.services, accountId, 1, [READ_SCOPES], 'bench main');
        if (parts.has('memory')) memoryKeys = await mintKeys(app.services, accountId, memory.keys, MEMORY_KEY_SCOPES, 'bench memory');
        if (parts.has('sql')) {
          progress('SQL statements per request');
          results.sqlCounts = await countStatements(app, key!, PAGE_SIZES);
        }
        if (parts.has('verification')) {
          progress('key verification');
          results.verification = await keyVerification(app.services, key!, quick ? TINY_VERIFICATION : FULL_VERIFICATION);
        }
      } finally {
        await app.close();
      }
      if (parts.has('e2e')) {
        progress('end to end over HTTP');
        results.endToEnd = await endToEnd(db.url, key!, quick ? TINY_LOAD : FULL_LOAD);
      }
      if (parts.has('memory')) {
        progress(`memory: ${Math.max(...memory.checkpoints).toLocaleString('en')} requests, ${memory.keys} keys`);
        results.memory = await memoryUnderLoad(db.url, memoryKeys, memory);
      }
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

let options: Options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}

main(options).then(
  // Pools and timers of closed apps must not keep a finished run alive.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

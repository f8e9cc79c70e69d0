/**
 * The report: one markdown document, printed and written to `bench/RESULTS.md`,
 * with the machine it ran on, every measurement, and each target met or not.
 */
import { cpus } from 'node:os';
import type { MemoryResult } from './memory';
import type { EndToEnd } from './http';
import { CONTENDERS, type OperationResult } from './in-process';
import type { Verification } from './key-verification';
import type { SqlCount } from './sql-count';

export interface Results {
  quick: boolean;
  /** The parts run, when not all of them (`--only`, `--no-db`). */
  only?: readonly string[];
  /** Each part is absent when the run skipped it. */
  inProcess?: readonly OperationResult[];
  sqlCounts?: readonly SqlCount[];
  verification?: Verification;
  endToEnd?: EndToEnd;
  memory?: MemoryResult;
  seconds: number;
}

export interface Target {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export function machine(): string {
  const cores = cpus();
  return `${cores[0]?.model.trim() ?? 'unknown CPU'}, ${cores.length} cores, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function targets(results: Results): Target[] {
  const inProcess = results.inProcess ?? [];
  const list = inProcess.find((op) => op.name === 'list');
  const out: Target[] = [];
  if (list) {
    out.push({ target: '(b)/(a) ≥ 0.97 on the list', measured: list.timings['b']!.ratio.toFixed(3), met: list.timings['b']!.ratio >= 0.97 });
    out.push({ target: '(c)/(a) ≥ 0.90 on the list', measured: list.timings['c']!.ratio.toFixed(3), met: list.timings['c']!.ratio >= 0.9 });
  }
  for (const op of inProcess) {
    const versusShield = op.timings['b']!.ratio / op.timings['shield']!.ratio;
    out.push({ target: `ScopeQL ≥ 3× graphql-shield, ${op.label}`, measured: `${versusShield.toFixed(1)}×`, met: versusShield >= 3 });
  }
  for (const op of inProcess) {
    const versusEnvelop = op.timings['b']!.ratio / op.timings['envelop']!.ratio;
    // "Level": within the noise of one run (1%).
    out.push({ target: `ScopeQL ≥ @envelop/generic-auth, ${op.label}`, measured: `${versusEnvelop.toFixed(2)}×`, met: versusEnvelop >= 0.99 });
  }
  if (results.sqlCounts) {
    const counts = results.sqlCounts.map((c) => c.statements);
    out.push({
      target: `SQL statements identical for pages of ${results.sqlCounts.map((c) => c.pageSize).join(', ')}`,
      measured: counts.join(' / '),
      met: counts.every((c) => c === counts[0]),
    });
  }
  if (results.endToEnd) {
    const share = results.endToEnd.bookings.ratio;
    out.push({ target: 'end-to-end, 20 bookings with customers, ≥ 60% of bare Apollo', measured: percent(share), met: share >= 0.6 });
  }
  if (results.memory && results.memory.points.length >= 2) {
    // From the second checkpoint: the first one still includes start-up and each key's first use.
    const points = results.memory.points;
    const [second, last] = [points[points.length >= 3 ? 1 : 0]!, points.at(-1)!];
    const growth = last.heapUsedBytes / second.heapUsedBytes;
    out.push({
      target: `heap flat from ${count(second.requests)} to ${count(last.requests)} requests (within 10%)`,
      measured: `${mb(second.heapUsedBytes)} → ${mb(last.heapUsedBytes)}`,
      met: growth <= 1.1,
    });
  }
  return out;
}

export function markdown(results: Results): string {
  const lines: string[] = [];
  const notes = [results.quick && '--quick: a smoke run, not measurements', results.only && `only ${results.only.join(', ')}`].filter(Boolean);
  lines.push(`# Benchmark results${notes.length ? ` (${notes.join('; ')})` : ''}`, '');
  lines.push(`${machine()}; ${new Date().toISOString().slice(0, 10)}; \`npm run bench\` took ${Math.round(results.seconds)} s.`, '');

  const inProcess = results.inProcess;
  if (inProcess) {
    lines.push('## Enforcement overhead and peers, in process', '');
    lines.push(
      'graphql-js `execute` over in-memory rows, the real SDL and resolvers; each variant in isolates of its own (worker',
      'threads, NODE_ENV=production), all taking turns in shuffled rounds after a warm-up round. The first row is operations',
      'per second of process CPU time; the others are ratios to it within each round (higher is faster). Medians over rounds.',
      '',
    );
    lines.push(`| variant | ${inProcess.map((op) => op.label).join(' | ')} |`);
    lines.push(`|---|${inProcess.map(() => '---:').join('|')}|`);
    for (const contender of CONTENDERS) {
      const cells = inProcess.map((op) => {
        const timed = op.timings[contender.id]!;
        return contender.id === 'a' ? `${count(timed.opsPerSecond)} ops/s` : ratio(timed.ratio);
      });
      lines.push(`| ${contender.label} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }

  if (results.sqlCounts) {
    lines.push('## SQL statements per request', '');
    lines.push('The real server on MariaDB: `bookings(first: N)` with each booking\'s product and customer.', '');
    lines.push(`| page size | ${results.sqlCounts.map((c) => c.pageSize).join(' | ')} |`);
    lines.push(`|---|${results.sqlCounts.map(() => '---:').join('|')}|`);
    lines.push(`| statements | ${results.sqlCounts.map((c) => c.statements).join(' | ')} |`, '');
  }

  if (results.endToEnd || results.verification) {
    lines.push('## End to end over HTTP', '');
  }
  if (results.endToEnd) {
    const { bookings, viewer } = results.endToEnd;
    lines.push('autocannon, 10 connections, loopback; each server in its own process, runs alternated after a warm-up.', '');
    lines.push('| request | server | requests/s | p50 | p99 | share of the ceiling |');
    lines.push('|---|---|---:|---:|---:|---:|');
    const rows = (what: string, compared: EndToEnd['bookings'], scopeql: string) => {
      const { bare, scopeql: mine } = compared;
      lines.push(`| ${what} | bare Apollo Server 5 on fastify, no authentication, the same JSON from memory (ceiling) | ${count(bare.requestsPerSecond)} | ${bare.p50Ms} ms | ${bare.p99Ms} ms | 100% |`);
      lines.push(`| ${what} | ${scopeql} | ${count(mine.requestsPerSecond)} | ${mine.p50Ms} ms | ${mine.p99Ms} ms | ${percent(compared.ratio)} |`);
    };
    rows('20 bookings with their customers', bookings, 'ScopeQL, authenticated and scoped, from MariaDB');
    rows('`viewer` (no database work)', viewer, 'ScopeQL, authenticated and scoped');
    lines.push('');
  }
  if (results.verification) {
    lines.push('| key verification (`KeyAuthenticator.authenticate`, 10 in flight) | per second |');
    lines.push('|---|---:|');
    lines.push(`| cached (a warm key cache) | ${count(results.verification.cachedPerSecond)} |`);
    lines.push(`| uncached (cache off: lookup by hash on MariaDB, effective permissions) | ${count(results.verification.uncachedPerSecond)} |`, '');
  }

  if (results.memory) {
    lines.push('## Memory', '');
    lines.push(`The real server driven in process (fastify \`inject\`), ${count(results.memory.keys)} distinct keys in turn; heap used after garbage collection.`, '');
    lines.push(`| requests | ${results.memory.points.map((p) => count(p.requests)).join(' | ')} |`);
    lines.push(`|---|${results.memory.points.map(() => '---:').join('|')}|`);
    lines.push(`| heap used | ${results.memory.points.map((p) => mb(p.heapUsedBytes)).join(' | ')} |`, '');
  }

  lines.push('## Targets', '');
  lines.push('| target | measured | met |', '|---|---:|---|');
  for (const t of targets(results)) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines.join('\n');
}

const ratio = (value: number) => value.toFixed(2);
const percent = (value: number) => `${Math.round(value * 100)}%`;
const count = (value: number) => Math.round(value).toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

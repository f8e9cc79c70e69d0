/**
 * End to end over HTTP: autocannon against the real server on MariaDB, and
 * against bare Apollo Server answering the same JSON from memory (the ceiling on
 * this machine), each server in a process of its own, measured in alternating
 * runs after a warm-up.
 */
import autocannon from 'autocannon';
import type { ChildJob, ChildReply } from './child';
import { forkJob } from './fork';
import { median } from './measure';

export const E2E_QUERY = `query Bookings {
  bookings(first: 20) { edges { node {
    reference startsAt endsAt quantity status totalCents
    customer { name email }
  } } }
}`;

/** The same request with no database work: the key's own view. It separates the layer's cost from the database's. */
export const VIEWER_QUERY = '{ viewer { effectiveScopes account { name } } }';

export interface LoadOptions {
  warmupSeconds: number;
  seconds: number;
  runs: number;
  connections: number;
}

export const FULL_LOAD: LoadOptions = { warmupSeconds: 2, seconds: 4, runs: 3, connections: 10 };
export const TINY_LOAD: LoadOptions = { warmupSeconds: 0, seconds: 1, runs: 1, connections: 2 };

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Compared {
  scopeql: LoadResult;
  bare: LoadResult;
  /** Median over runs of ScopeQL's requests per second divided by bare Apollo's in the same pair of runs. */
  ratio: number;
}

export interface EndToEnd {
  /** The request: 20 bookings with their customers, from MariaDB. */
  bookings: Compared;
  /** `viewer`: authentication, scopes, limits and logs, but no query to the database. */
  viewer: Compared;
}

type Target = { url: string; headers: Record<string, string>; body: string };

export async function endToEnd(databaseUrl: string, key: string, options: LoadOptions): Promise<EndToEnd> {
  const app = await startChild({ kind: 'app', databaseUrl });
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    const bodies = { bookings: JSON.stringify({ query: E2E_QUERY }), viewer: JSON.stringify({ query: VIEWER_QUERY }) };
    const answers = { bookings: await post(app.url, headers, bodies.bookings), viewer: await post(app.url, headers, bodies.viewer) };
    const data = answers.bookings.data as { bookings?: { edges: unknown[] } } | undefined;
    if (answers.bookings.errors || data?.bookings?.edges.length !== 20) {
      throw new Error(`the scoped query failed: ${JSON.stringify(answers.bookings).slice(0, 500)}`);
    }
    if (answers.viewer.errors) throw new Error(`the viewer query failed: ${JSON.stringify(answers.viewer).slice(0, 500)}`);

    const bare = await startChild({ kind: 'bare', bookings: data.bookings, viewer: (answers.viewer.data as { viewer: unknown }).viewer });
    try {
      const bareHeaders = { 'content-type': 'application/json' };
      for (const name of ['bookings', 'viewer'] as const) {
        const same = await post(bare.url, bareHeaders, bodies[name]);
        if (JSON.stringify(same.data) !== JSON.stringify(answers[name].data)) throw new Error(`bare Apollo does not answer the same JSON to ${name}`);
      }
      const targets: Record<string, Target> = {
        'scopeql-bookings': { url: app.url, headers, body: bodies.bookings },
        'bare-bookings': { url: bare.url, headers: bareHeaders, body: bodies.bookings },
        'scopeql-viewer': { url: app.url, headers, body: bodies.viewer },
        'bare-viewer': { url: bare.url, headers: bareHeaders, body: bodies.viewer },
      };
      const names = Object.keys(targets);
      if (options.warmupSeconds > 0) for (const name of names) await load(targets[name]!, options, options.warmupSeconds);
      const runs: Record<string, LoadResult[]> = Object.fromEntries(names.map((name) => [name, []]));
      for (let run = 0; run < options.runs; run++) {
        // Rotate the order, so none always follows another's garbage.
        for (let i = 0; i < names.length; i++) {
          const name = names[(i + run) % names.length]!;
          runs[name]!.push(await load(targets[name]!, options, options.seconds));
        }
      }
      const compared = (what: 'bookings' | 'viewer'): Compared => {
        const [mine, theirs] = [runs[`scopeql-${what}`]!, runs[`bare-${what}`]!];
        return {
          scopeql: summary(mine),
          bare: summary(theirs),
          ratio: median(mine.map((r, i) => r.requestsPerSecond / theirs[i]!.requestsPerSecond)),
        };
      };
      return { bookings: compared('bookings'), viewer: compared('viewer') };
    } finally {
      await bare.stop();
    }
  } finally {
    await app.stop();
  }
}

function summary(results: LoadResult[]): LoadResult {
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
  };
}

async function load({ url, headers, body }: Target, options: LoadOptions, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, method: 'POST', headers, body, connections: options.connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses and ${result.errors} errors under load`);
  }
  return { requestsPerSecond: result.requests.total / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<{ data?: unknown; errors?: unknown }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return (await response.json()) as { data?: unknown; errors?: unknown };
}

// ---------------------------------------------------------------- child processes

export interface Child {
  readonly url: string;
  /** The reply to a job that answers once (memory). */
  readonly reply: ChildReply;
  stop(): Promise<void>;
}

/** Forks `child` (child.ts, or child.js when compiled) for one job and resolves with its first reply (for a server, once it listens). */
export async function startChild(job: ChildJob, execArgv: string[] = []): Promise<Child> {
  const { reply, stop } = await forkJob<ChildReply>('child', job, execArgv);
  return { url: reply.kind === 'listening' ? reply.url : '', reply, stop };
}

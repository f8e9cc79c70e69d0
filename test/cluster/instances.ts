import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import type { CreateKeyInput } from '../../src/domain/keys/key-input';
import { toGlobalId } from '../../src/global-id';
import { createServices, type Services } from '../../src/services';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { graphqlBody, type GraphQLBody } from '../support/server';

/**
 * Real ScopeQL server processes for the scale-out tests (issue 10): each runs
 * `src/main.ts` under tsx, so the tests exercise the source as it is, with no
 * build step, on its own loopback port, against one MariaDB database and
 * (when given REDIS_URL) one Redis.
 */

const ROOT = resolve(__dirname, '../..');
const MAIN = resolve(ROOT, 'src/main.ts');
export const REDIS_URL = 'redis://127.0.0.1:6379';

export interface Instance {
  readonly name: string;
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly url: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Signals it (if it still runs) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface Response {
  status: number;
  headers: Headers;
  body: GraphQLBody;
}

export async function gql(target: Instance | string, query: string, key?: string, variables?: Record<string, unknown>): Promise<Response> {
  const url = typeof target === 'string' ? target : target.url;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: graphqlBody(await response.json()) };
}

export async function health(instance: Instance): Promise<{ status: number; body: { status: string; checks: Record<string, { status: string; detail?: string }> } }> {
  const response = await fetch(`${instance.base}/healthz`);
  return { status: response.status, body: (await response.json()) as never };
}

/** The first error code of a response, or 'OK'. */
export const outcome = (r: Response): string => (r.body.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK';

/** Polls until `condition` holds; fails naming `what` after the deadline. No fixed sleeps. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

/** Settings every instance of a test gets unless the test says otherwise. */
export function baseEnv(db: TestDatabase, more: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATABASE_URL: db.url,
    // The test created the database and ran the migrations.
    MIGRATIONS_RUN: 'false',
    HOST: '127.0.0.1',
    PORT: '0',
    // info: the "serving" line tells the port; warnings are what some tests read.
    LOG_LEVEL: 'info',
    WEBHOOK_WORKER: 'false',
    // As long as allowed, so only invalidation (never expiry) can explain a change being seen.
    KEY_CACHE_TTL_MS: '60000',
    RATE_LIMIT_REQUESTS: '1000000',
    RATE_LIMIT_UNAUTHENTICATED: '1000000',
    COST_BUCKET_SIZE: '1000000000',
    COST_RESTORE_RATE: '1000000000',
    ...more,
  };
}

/** A database, the services to mint keys with, and the server processes started on it. */
export class ClusterFixture {
  private readonly children: Instance[] = [];
  private minted = 0;

  private constructor(
    readonly db: TestDatabase,
    readonly services: Services,
    /** Shared by this fixture's instances (and no one else's): their Redis keys and channel. */
    readonly prefix: string,
  ) {}

  static async create(): Promise<ClusterFixture> {
    const db = await createTestDatabase();
    const services = createServices(db.dataSource, loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: db.url }));
    return new ClusterFixture(db, services, `scopeql-test:${randomUUID()}`);
  }

  /** Starts a server process; resolves once it listens. */
  async start(name: string, env: Record<string, string> = {}): Promise<Instance> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: { ...process.env, ...baseEnv(this.db, { RATE_LIMIT_PREFIX: this.prefix, ...env }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const listening = new Promise<string>((resolveUrl, reject) => {
      let found = false;
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = found ? null : /ScopeQL serving (http:\/\/[^\s/]+)\/graphql/.exec(output);
        if (!match) return;
        found = true;
        resolveUrl(match[1]!);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${output}`)));
    });
    const instance: Instance = {
      name,
      child,
      base: '',
      url: '',
      output: () => output,
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    };
    this.children.push(instance);
    const base = await listening;
    return Object.assign(instance, { base, url: `${base}/graphql` });
  }

  /** A key minted directly through the services (as the CLI would), in account `acme` unless told. */
  async mintKey(input: Partial<CreateKeyInput> & { account?: string }): Promise<{ id: number; gid: string; secret: string }> {
    const { account: slug = 'acme', ...rest } = input;
    const { id: accountId } = await this.services.repos.accounts.findOrCreate(slug, slug);
    const { key, secret } = await this.services.keys.create({ kind: 'operator', accountId }, { name: `cluster key ${++this.minted}`, ...rest });
    return { id: key.id, gid: toGlobalId('ApiKey', key.id), secret };
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop('SIGKILL')));
    await this.services.requestLogs.close();
    await this.db.drop();
  }
}

import { createApp, type App } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import type { Actor } from '../../src/domain/actor';
import type { CreateKeyInput } from '../../src/domain/keys/key-input';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestServer {
  readonly app: App;
  readonly db: TestDatabase;
  readonly url: string;
  /** An account to put keys in; created on first use. */
  account(slug?: string): Promise<{ id: number; slug: string }>;
  /** Mints a key through the same service the API and CLI use, as the operator. */
  mintKey(input: Partial<CreateKeyInput> & { account?: string }): Promise<{ id: number; secret: string }>;
  /** POSTs a GraphQL operation, returning status, headers and parsed body. */
  graphql(
    query: string,
    options?: { key?: string; variables?: Record<string, unknown>; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: GraphQLBody }>;
  /** Every log line the server wrote, when started with `captureLogs`; otherwise empty. */
  logOutput(): string;
  close(): Promise<void>;
}

export interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  /** `cost` on every response of an authenticated key (rate limits). */
  extensions?: Record<string, any>;
}

export interface TestServerOptions {
  /** Keep the server's log lines in memory (set LOG_LEVEL too: it defaults to silent). */
  captureLogs?: boolean;
}

/**
 * Rate limits a test never reaches by accident: a file sends hundreds of requests
 * with one key from one address within seconds. The rate limit tests set their own.
 */
export const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_REQUESTS: '1000000',
  RATE_LIMIT_UNAUTHENTICATED: '1000000',
  COST_BUCKET_SIZE: '1000000000',
  COST_RESTORE_RATE: '1000000000',
} as const;

/**
 * A parsed response body. Its top-level `extensions` (the cost report every
 * response of a key carries) stays readable as `body.extensions` but is not
 * enumerable, so tests comparing whole bodies with toEqual need not repeat it.
 */
export function graphqlBody(json: unknown): GraphQLBody {
  const body = json as GraphQLBody;
  if (body && typeof body === 'object' && 'extensions' in body) {
    Object.defineProperty(body, 'extensions', { value: body.extensions, enumerable: false });
  }
  return body;
}

/** The real server on a real database, listening on an ephemeral loopback port. */
export async function startTestServer(overrides: Partial<Config> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const config: Config = { ...loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: db.url, ...GENEROUS_RATE_LIMITS }), ...overrides };
  const logLines: string[] = [];
  const logStream = options.captureLogs ? { write: (line: string) => void logLines.push(line) } : undefined;
  const app = await createApp(config, db.dataSource, { logStream });
  const address = await app.http.listen({ host: '127.0.0.1', port: 0 });
  const url = `${address}/graphql`;

  let minted = 0;
  const account = async (slug = 'acme') => app.services.repos.accounts.findOrCreate(slug, slug);

  return {
    app,
    db,
    url,
    account,
    async mintKey({ account: slug, ...input }) {
      const { id: accountId } = await account(slug);
      const actor: Actor = { kind: 'operator', accountId };
      // Key names are unique per account, so each minted key gets its own.
      const { key, secret } = await app.services.keys.create(actor, { name: `test key ${++minted}`, ...input });
      return { id: key.id, secret };
    },
    async graphql(query, options = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables: options.variables }),
      });
      return { status: response.status, headers: response.headers, body: graphqlBody(await response.json()) };
    },
    logOutput: () => logLines.join(''),
    async close() {
      // app.close() flushes the request log before the database goes.
      await app.close();
      await db.drop();
    },
  };
}

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../app';
import { connectCluster } from '../cluster';
import { loadConfig } from '../config';
import type { KeyType } from '../scopes/types';
import { createServices, type Services } from '../services';
import { isAppError } from '../errors';
import { toGlobalId, expectGlobalId } from '../global-id';
import { keyStatus } from '../auth/key-status';
import { seedAccount } from '../domain/seed';
import { buildSchema } from '../graphql/schema';
import { defaultScopeEngine } from '../scopes/engine';
import { requiredScopesReport, type RequiredScopesReport } from '../scopes/required-scopes';

export interface CliIO {
  /** Only results go here (a new key, a listing), so `KEY=$(npx scopeql keys create ...)` works. */
  stdout: (text: string) => void;
  /** Messages for the person at the terminal. */
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/**
 * The operator CLI (contract section 6). It runs as the operator, trusted like a
 * database superuser, through the same KeyService the API uses.
 */
export function buildProgram(io: CliIO): Command {
  const program = new Command('scopeql')
    .description('ScopeQL operator commands')
    .exitOverride()
    .configureOutput({ writeOut: io.stderr, writeErr: io.stderr });

  const withServices = async <T>(fn: (services: Services, dataSource: DataSource) => Promise<T>): Promise<T> => {
    const config = loadConfig(io.env);
    const dataSource = await openDatabase(config);
    const services = createServices(dataSource, config);
    // With REDIS_URL, a key revoked or changed here reaches the running servers'
    // key caches at once, as a change made through the API does.
    const cluster = await connectCluster(config, services.invalidation, {
      warn: (_details, message) => io.stderr(`warning: ${message}\n`),
      info: () => undefined,
    });
    try {
      return await fn(services, dataSource);
    } finally {
      await cluster.close();
      await dataSource.destroy();
    }
  };

  const keys = program.command('keys').description('manage API keys');

  keys
    .command('create')
    .description('create a key (and its account if new); prints the key alone on stdout')
    .requiredOption('--account <slug>', 'account handle, created if new')
    .requiredOption('--name <name>', 'a name for the key')
    .option('--scopes <list>', 'comma-separated scopes, e.g. admin or bookings:read,products:read', list)
    .option('--bundles <list>', 'comma-separated bundle names', list)
    .option('--type <type>', 'SECRET or PUBLISHABLE', 'SECRET')
    .option('--expires-at <iso>', 'ISO-8601 expiry, e.g. 2027-01-01T00:00:00Z')
    .option('--ip-allowlist <list>', 'comma-separated addresses or CIDR ranges', list)
    .action(async (opts: { account: string; name: string; scopes?: string[]; bundles?: string[]; type: string; expiresAt?: string; ipAllowlist?: string[] }) => {
      const type = opts.type.toUpperCase();
      if (type !== 'SECRET' && type !== 'PUBLISHABLE') throw new CliFailure('--type must be SECRET or PUBLISHABLE');
      const expiresAt = opts.expiresAt === undefined ? null : new Date(opts.expiresAt);
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new CliFailure('--expires-at must be an ISO-8601 date-time');
      const input = { name: opts.name, type: type as KeyType, scopes: opts.scopes, bundles: opts.bundles, expiresAt, ipAllowlist: opts.ipAllowlist };
      await withServices(async (services) => {
        // A mistyped command must not leave a new, empty account behind.
        services.keys.precheck(input);
        const account = await services.repos.accounts.findOrCreate(opts.account, opts.account);
        const { key, secret } = await services.keys.create({ kind: 'operator', accountId: account.id }, input);
        io.stdout(`${secret}\n`);
        io.stderr(`Created ${key.type.toLowerCase()} key "${key.name}" (${toGlobalId('ApiKey', key.id)}) for account ${account.slug}. It is shown only this once.\n`);
      });
    });

  keys
    .command('list')
    .description('list the keys of an account (never their secrets)')
    .requiredOption('--account <slug>', 'account handle')
    .action(async (opts: { account: string }) => {
      await withServices(async (services) => {
        const account = await services.repos.accounts.findBySlug(opts.account);
        if (!account) throw new CliFailure(`No account "${opts.account}"`);
        const now = new Date();
        let afterId: number | undefined;
        for (;;) {
          const page = await services.keys.list(account.id, { first: 100, afterId });
          for (const key of page.nodes) {
            io.stdout([toGlobalId('ApiKey', key.id), key.prefix, keyStatus(key, now), key.type, key.name, [...key.scopes, ...key.bundles.map((b) => `bundle:${b}`)].join(',')].join('\t') + '\n');
          }
          if (!page.hasNextPage) break;
          afterId = page.nodes.at(-1)?.id;
        }
      });
    });

  keys
    .command('revoke')
    .description('permanently revoke a key by its id (from `keys list`)')
    .argument('<id>', 'the key id')
    .requiredOption('--account <slug>', 'account handle')
    .action(async (id: string, opts: { account: string }) => {
      await withServices(async (services) => {
        const account = await services.repos.accounts.findBySlug(opts.account);
        if (!account) throw new CliFailure(`No account "${opts.account}"`);
        const key = await services.keys.revoke({ kind: 'operator', accountId: account.id }, expectGlobalId(id, 'ApiKey', 'id'));
        io.stderr(`Revoked key "${key.name}" (${key.prefix}...).\n`);
      });
    });

  keys
    .command('roll')
    .description('issue a new secret for a key; prints the new key alone on stdout')
    .argument('<id>', 'the key id')
    .requiredOption('--account <slug>', 'account handle')
    .option('--grace-seconds <n>', 'how long the old secret keeps working, 0 to 604800 (7 days)', '0')
    .action(async (id: string, opts: { account: string; graceSeconds: string }) => {
      if (!/^\d+$/.test(opts.graceSeconds)) throw new CliFailure('--grace-seconds must be a whole number of seconds');
      await withServices(async (services) => {
        const account = await services.repos.accounts.findBySlug(opts.account);
        if (!account) throw new CliFailure(`No account "${opts.account}"`);
        const graceSeconds = Number(opts.graceSeconds);
        const { key, secret } = await services.keys.roll({ kind: 'operator', accountId: account.id }, expectGlobalId(id, 'ApiKey', 'id'), graceSeconds);
        io.stdout(`${secret}\n`);
        const old = graceSeconds === 0 ? 'The old secret has expired' : `The old secret expires in ${graceSeconds} seconds`;
        io.stderr(`Rolled key "${key.name}" (now ${key.prefix}...). ${old}. The new key is shown only this once.\n`);
      });
    });

  program
    .command('seed')
    .description('load a small demo data set (products, customers, bookings) into an account; skipped if it has products')
    .requiredOption('--account <slug>', 'account handle, created if new')
    .action(async (opts: { account: string }) => {
      await withServices(async (services) => {
        const account = await services.repos.accounts.findOrCreate(opts.account, opts.account);
        const result = await seedAccount(services, account.id);
        io.stderr(
          result.seeded
            ? `Seeded account ${account.slug}: ${result.products} products, ${result.customers} customers, ${result.bookings} bookings (${result.cancelled} cancelled) over the next four weeks.\n`
            : `Account ${account.slug} already has products: seed skipped, nothing changed.\n`,
        );
      });
    });

  program
    .command('scopes')
    .description('print the smallest scope set that runs an operation, one scope per line (offline: no database)')
    .argument('<file>', 'a .graphql file holding the operation')
    .option('--operation <name>', 'which operation of the file, when it has several')
    .option('--variables <json>', 'variable values as JSON, for @skip/@include (a condition left out counts as selected)')
    .option('--verbose', 'also print each field path, what it requires and where the requirement comes from')
    .option('--json', 'print the whole report as JSON instead')
    .action((file: string, opts: { operation?: string; variables?: string; verbose?: boolean; json?: boolean }) => {
      let query: string;
      try {
        query = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`);
      }
      let variables: unknown;
      if (opts.variables !== undefined) {
        try {
          variables = JSON.parse(opts.variables);
        } catch {
          throw new CliFailure('--variables must be a JSON object, e.g. \'{"withCustomer": true}\'');
        }
      }
      const engine = defaultScopeEngine();
      let report: RequiredScopesReport;
      try {
        report = requiredScopesReport(buildSchema(engine), engine, { query, variables, operationName: opts.operation ?? null, suggestions: true });
      } catch (error) {
        throw describeInvalidOperation(error, file);
      }
      if (opts.json) {
        const { operationName, operationType, minimalScopes, fields, exact } = report;
        io.stdout(`${JSON.stringify({ operationName, operationType, minimalScopes, fields, exact }, null, 2)}\n`);
        return;
      }
      for (const scope of report.minimalScopes) io.stdout(`${scope}\n`);
      if (report.minimalScopes.length === 0) io.stderr('No scope needed: every field the operation selects is open to any key.\n');
      if (opts.verbose) io.stdout(renderFieldTable(report));
    });

  program
    .command('migrate')
    .description('run pending database migrations')
    .action(async () => {
      const config = loadConfig(io.env);
      const dataSource = await openDatabase({ ...config, MIGRATIONS_RUN: false });
      try {
        const ran = await dataSource.runMigrations({ transaction: 'each' });
        io.stderr(ran.length === 0 ? 'No pending migrations.\n' : `Ran ${ran.map((m) => m.name).join(', ')}\n`);
      } finally {
        await dataSource.destroy();
      }
    });

  return program;
}

export class CliFailure extends Error {}

/** A bad operation file as `file:line:column: problem` lines, the way compilers report. */
function describeInvalidOperation(error: unknown, file: string): unknown {
  if (!isAppError(error)) return error;
  const problems = error.extensions.problems as { message: string; locations: { line: number; column: number }[] }[] | undefined;
  if (!problems?.length) return new CliFailure(`${file}: ${error.message}`);
  return new CliFailure(
    problems.map(({ message, locations }) => `${file}${locations[0] ? `:${locations[0].line}:${locations[0].column}` : ''}: ${message}`).join('\n'),
  );
}

/** `--verbose`: a blank line, then path / requirement / origin columns (anyOf alternatives joined with " | "). */
function renderFieldTable(report: RequiredScopesReport): string {
  const rows = [
    ['path', 'requires', 'from'],
    ...report.fields.map((field) => [field.path, field.requiredScopes.map((alternative) => alternative.join(' + ')).join(' | '), field.where.join(', ')]),
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`.trimEnd());
  return `\n${lines.join('\n')}\n`;
}

/** Runs argv and returns the exit code; errors become one line on stderr. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliFailure || isAppError(error) || (error instanceof Error && error.name === 'ConfigError')) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    io.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

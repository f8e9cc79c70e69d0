import { createHash } from 'node:crypto';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import type { Config } from '../config';
import type { LinkLog } from './redis-link';

/** Connecting and each statement; a database that does not answer is simply asked again next time. */
const TIMEOUT_MS = 5_000;

function ask(connection: Connection, sql: string, values: unknown[] = []): Promise<RowDataPacket[]> {
  return connection.query<RowDataPacket[]>({ sql, values, timeout: TIMEOUT_MS }).then(([rows]) => rows);
}

export interface PeerWatchOptions {
  /** How often the other instances are counted again. */
  intervalMs?: number;
  /** Instances this one can tell apart, per kind; beyond that it only knows there are many. */
  slots?: number;
}

export interface PeerCount {
  /** Other instances with REDIS_URL set. */
  shared: number;
  /** Other instances without it. */
  local: number;
}

/**
 * Notices other server processes on the same MySQL/MariaDB database, so that
 * one started without REDIS_URL says that its rate limits and key revocations
 * are per instance (README "Running several instances").
 *
 * Each instance holds a named lock (`GET_LOCK`) on a connection of its own:
 * one of `slots` lock names derived from the database name and whether it uses
 * Redis. `IS_USED_LOCK` on the others tells who else is running. A lock lives
 * exactly as long as its connection, so a killed instance leaves nothing
 * behind: no table, no heartbeat rows, no clean-up. The count is taken at
 * start and every `intervalMs`, and logged when it changes:
 *
 * - without REDIS_URL, any other instance: a warning;
 * - with REDIS_URL, another instance without it: a warning (its limits and
 *   revocations are not shared with this one's).
 *
 * SQLite is one server process per database file (README), so nothing to watch.
 */
export class PeerWatch {
  private connection: Connection | undefined;
  private slot: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PeerCount | undefined> | undefined;
  private lastReport = '';
  private stopped = false;
  private readonly intervalMs: number;
  private readonly slots: number;

  constructor(
    private readonly config: Pick<Config, 'DATABASE_URL' | 'REDIS_URL'>,
    private readonly log: LinkLog,
    options: PeerWatchOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 30_000;
    this.slots = options.slots ?? 16;
  }

  /** Starts watching (MySQL/MariaDB only); the first count is taken at once. */
  static start(config: Pick<Config, 'DATABASE_URL' | 'REDIS_URL'>, log: LinkLog, options?: PeerWatchOptions): PeerWatch | undefined {
    if (!config.DATABASE_URL.startsWith('mysql:')) return undefined;
    const watch = new PeerWatch(config, log, options);
    void watch.check();
    watch.timer = setInterval(() => void watch.check(), watch.intervalMs);
    watch.timer.unref();
    return watch;
  }

  /** Counts the other instances now (and logs if that changed); undefined when the database could not be asked. */
  async check(): Promise<PeerCount | undefined> {
    this.running ??= this.count().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Lets go of this instance's lock, then closes its connection (a check in
   * flight fails quietly). The lock is released explicitly first: the server
   * frees a closed connection's locks only once it notices the close, so
   * another instance counting right after a clean stop could still see it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const connection = this.connection;
    if (connection) await ask(connection, 'SELECT RELEASE_ALL_LOCKS()').catch(() => undefined);
    this.drop(connection);
  }

  private async count(): Promise<PeerCount | undefined> {
    if (this.stopped) return undefined;
    try {
      const connection = await this.connect();
      if (this.stopped) {
        this.drop();
        return undefined;
      }
      const names = await this.names(connection);
      const mine = this.config.REDIS_URL ? names.shared : names.local;
      if (this.slot === undefined) this.slot = await this.acquire(connection, mine);
      const columns = [...names.shared, ...names.local].map((_, i) => `IS_USED_LOCK(?) AS l${i}`).join(', ');
      const rows = await ask(connection, `SELECT ${columns}`, [...names.shared, ...names.local]);
      const used = Object.values(rows[0] ?? {}).map((holder) => holder !== null);
      const ownIndex = this.slot === undefined ? -1 : (this.config.REDIS_URL ? 0 : this.slots) + this.slot;
      const count: PeerCount = { shared: 0, local: 0 };
      used.forEach((inUse, i) => {
        if (!inUse || i === ownIndex) return;
        if (i < this.slots) count.shared += 1;
        else count.local += 1;
      });
      this.report(count);
      return count;
    } catch {
      // The database is away: its own health check reports that. Try again next time.
      this.drop();
      return undefined;
    }
  }

  private report(count: PeerCount): void {
    const others = count.shared + count.local;
    let message = '';
    if (!this.config.REDIS_URL && others > 0) {
      message =
        `${others} other ScopeQL instance(s) use this database but REDIS_URL is not set: rate limits and key revocation are per instance ` +
        '(each instance grants the whole budget, and a key revoked on one keeps working on the others until their key cache expires). ' +
        'Set REDIS_URL on every instance.';
    } else if (this.config.REDIS_URL && count.local > 0) {
      message =
        `${count.local} other ScopeQL instance(s) use this database without REDIS_URL: their rate limits and key revocations are not shared ` +
        'with this one. Set the same REDIS_URL on every instance.';
    }
    if (message === this.lastReport) return;
    this.lastReport = message;
    if (message) this.log.warn({ peers: count }, message);
  }

  private async connect(): Promise<Connection> {
    if (this.connection) return this.connection;
    const connection = await createConnection({ uri: this.config.DATABASE_URL, connectTimeout: TIMEOUT_MS });
    // A dropped connection has dropped its lock too: the next check starts over.
    connection.on('error', () => this.drop(connection));
    this.connection = connection;
    return connection;
  }

  private drop(connection = this.connection): void {
    if (!connection || connection !== this.connection) return;
    this.connection = undefined;
    this.slot = undefined;
    connection.destroy();
  }

  /** The lock names of this database: `slots` for instances with Redis, `slots` for instances without. */
  private async names(connection: Connection): Promise<{ shared: string[]; local: string[] }> {
    const rows = await ask(connection, 'SELECT DATABASE() AS db');
    const database = String(rows[0]?.db ?? '');
    // MySQL caps lock names at 64 characters; a hash of the name fits any database name.
    const tag = createHash('sha256').update(database).digest('hex').slice(0, 16);
    const names = (kind: string) => Array.from({ length: this.slots }, (_, i) => `scopeql-instance-${tag}-${kind}${i}`);
    return { shared: names('r'), local: names('m') };
  }

  /** The first free slot of this instance's kind, or undefined when every one is taken. */
  private async acquire(connection: Connection, names: string[]): Promise<number | undefined> {
    for (const [i, name] of names.entries()) {
      const rows = await ask(connection, 'SELECT GET_LOCK(?, 0) AS got', [name]);
      if (Number(rows[0]?.got) === 1) return i;
    }
    return undefined;
  }
}

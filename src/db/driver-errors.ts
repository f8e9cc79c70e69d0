/**
 * What a database driver's error means, on both engines, read from the
 * `driverError` TypeORM wraps: mysql2 gives `errno`, better-sqlite3 a `code`.
 */
interface DriverError {
  errno?: unknown;
  code?: unknown;
}

function driverErrorOf(error: unknown): DriverError | undefined {
  return (error as { driverError?: DriverError } | null)?.driverError;
}

/**
 * A unique index refused the row: MySQL ER_DUP_ENTRY (1062), SQLite
 * SQLITE_CONSTRAINT_UNIQUE. Callers use it where a table has one unique key
 * besides the id, so the index that refused is known.
 */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = driverErrorOf(error);
  return driverError?.errno === 1062 || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** InnoDB chose this transaction as a deadlock victim (ER_LOCK_DEADLOCK): retrying it is safe. */
export function isDeadlock(error: unknown): boolean {
  return driverErrorOf(error)?.errno === 1213;
}

/**
 * Error codes of a database that cannot be reached or stopped answering: the
 * socket failed (Node's codes), mysql2 lost or timed out the connection (its
 * PROTOCOL_* codes; `ETIMEDOUT` also for DB_TIMEOUT_MS at connect), the server
 * refused more connections or is shutting down, or SQLite stayed locked past
 * its busy timeout. A request that meets one gets 503, not 500: nothing is
 * wrong with it, and it can be retried.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
]);

/**
 * The database is unreachable or did not answer in time. Looks through the
 * wrappers an error picks up on its way (TypeORM's `driverError`, `cause`, a
 * GraphQLError's `originalError`, graphql-js's NonErrorThrown `thrownValue`
 * for an error from another realm); mysql2 also marks every connection-level
 * failure `fatal`, which covers codes not listed above.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as {
      code?: unknown;
      fatal?: unknown;
      driverError?: unknown;
      originalError?: unknown;
      thrownValue?: unknown;
      cause?: unknown;
    };
    if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return true;
    if (candidate.fatal === true) return true;
    current = candidate.driverError ?? candidate.originalError ?? candidate.thrownValue ?? candidate.cause;
  }
  return false;
}

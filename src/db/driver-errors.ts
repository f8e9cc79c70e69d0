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

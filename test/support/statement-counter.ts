import type { Logger } from 'typeorm';

/**
 * Records every SQL statement a DataSource sends. TypeORM's drivers call the
 * logger's `logQuery` before each statement whatever `logging` says, so a
 * logger installed with the public `dataSource.setOptions({ logger })` sees
 * them all, transactions and raw queries included.
 */
export function statementCounter(): { logger: Logger; statements: string[] } {
  const statements: string[] = [];
  const logger: Logger = {
    logQuery: (query) => void statements.push(query),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  return { logger, statements };
}

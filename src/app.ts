import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource } from './db/data-source';
import { createHttpServer, type ServerOptions } from './http/server';
import { createServices, type Services } from './services';

export interface App {
  readonly http: FastifyInstance;
  readonly services: Services;
  close(): Promise<void>;
}

/**
 * Opens the database, running pending migrations first unless told not to.
 * Migrations run on a connection of their own without DB_TIMEOUT_MS, which is
 * for requests: a long ALTER must not be cut off halfway.
 */
export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'MIGRATIONS_RUN'> & Partial<Pick<Config, 'DB_TIMEOUT_MS'>>,
): Promise<DataSource> {
  if (config.MIGRATIONS_RUN) {
    const migrator = createDataSource(config.DATABASE_URL);
    await migrator.initialize();
    try {
      await migrator.runMigrations({ transaction: 'each' });
    } finally {
      await migrator.destroy();
    }
  }
  const dataSource = createDataSource(config.DATABASE_URL, { timeoutMs: config.DB_TIMEOUT_MS });
  await dataSource.initialize();
  return dataSource;
}

/** The whole server on an open database; `main.ts` and the HTTP tests both start here. */
export async function createApp(config: Config, dataSource: DataSource, options: ServerOptions = {}): Promise<App> {
  // Background work (lastUsedAt, request logs) only logs after requests, by which time `server` exists.
  const services = createServices(dataSource, config, { warn: (details, message) => server.log.warn(details, message) });
  const server = await createHttpServer(services, config, options);
  services.requestLogs.startPruning();
  services.webhookPruning.start();
  if (config.WEBHOOK_WORKER) {
    services.webhookWorker.start();
    // Tied to the HTTP server's close (which `close()` below starts with), so
    // a caller that only closes `http` stops the worker too, and the worker's
    // last writes (claims handed back) land before the database goes.
    server.addHook('onClose', () => services.webhookWorker.stop());
  }
  return {
    http: server,
    services,
    async close() {
      // In this order: no request is in flight once the server is closed (and the
      // webhook worker has stopped), so the last request log rows are buffered
      // and the last lastUsedAt writes started, and they need the database to land.
      await server.close();
      await services.webhookPruning.stop();
      await services.requestLogs.close();
      await services.lastUsed.flush();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

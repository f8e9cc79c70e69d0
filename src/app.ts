import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource } from './db/data-source';
import { createHttpServer } from './http/server';
import { createServices, type Services } from './services';

export interface App {
  readonly http: FastifyInstance;
  readonly services: Services;
  close(): Promise<void>;
}

/** Opens the database (running pending migrations unless told not to) and builds the services. */
export async function openDatabase(config: Pick<Config, 'DATABASE_URL' | 'MIGRATIONS_RUN'>): Promise<DataSource> {
  const dataSource = createDataSource(config.DATABASE_URL);
  await dataSource.initialize();
  if (config.MIGRATIONS_RUN) await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** The whole server on an open database; `main.ts` and the HTTP tests both start here. */
export async function createApp(config: Config, dataSource: DataSource): Promise<App> {
  // Background writes (lastUsedAt) only fail after requests, by which time `server` exists.
  const services = createServices(dataSource, config, (error) => server.log.warn({ err: error }, 'background write failed'));
  const server = await createHttpServer(services, config);
  return {
    http: server,
    services,
    async close() {
      await server.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

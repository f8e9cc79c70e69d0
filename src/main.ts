import { createApp, openDatabase } from './app';
import { ConfigError, loadConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDatabase(config);
  const app = await createApp(config, dataSource);
  const address = await app.http.listen({ host: config.HOST, port: config.PORT });
  app.http.log.info(`ScopeQL serving ${address}/graphql (database: ${config.DATABASE_URL.split(':')[0]})`);

  const [{ count }] = (await dataSource.query('SELECT COUNT(*) AS count FROM api_key')) as { count: number | string }[];
  if (Number(count) === 0) {
    app.http.log.info('No API keys yet. Mint the first admin key with: npx scopeql keys create --account acme --name root --scopes admin');
  }

  const stop = async (signal: string) => {
    app.http.log.info(`${signal}: shutting down`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // A bad configuration names its variable; anything else is printed whole for the operator.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

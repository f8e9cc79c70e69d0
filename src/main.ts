import { createApp, openDatabase } from './app';
import { PeerWatch } from './cluster/peers';
import { ConfigError, loadConfig } from './config';


async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDatabase(config);
  const app = await createApp(config, dataSource);
  // Other instances on this database: warns when rate limits and revocation would be per instance (no REDIS_URL).
  const peers = PeerWatch.start(config, app.http.log);
  if (peers) app.http.addHook('onClose', () => peers.stop());
  // Graceful shutdown (issue 7 item 8), armed before listening so that no
  // signal finds the process without it: stop accepting, let in-flight
  // requests finish, stop the webhook worker, flush request logs and lastUsedAt
  // writes, close the pool (app.close, in that order), then exit 0. A second
  // signal, or a drain that outlasts SHUTDOWN_GRACE_MS, exits at once with 1.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      app.http.log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    app.http.log.info(`${signal}: shutting down`);
    setTimeout(() => {
      app.http.log.error(`shutdown took longer than ${config.SHUTDOWN_GRACE_MS} ms: exiting`);
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS).unref();
    try {
      await app.close();
    } catch (error) {
      app.http.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    app.http.log.info('shut down cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const address = await app.http.listen({ host: config.HOST, port: config.PORT });
  app.http.log.info(`ScopeQL serving ${address}/graphql (database: ${config.DATABASE_URL.split(':')[0]})`);
  if (stopping) return;

  const [{ count }] = (await dataSource.query('SELECT COUNT(*) AS count FROM api_key')) as { count: number | string }[];
  if (Number(count) === 0) {
    app.http.log.info('No API keys yet. Mint the first admin key with: npx scopeql keys create --account acme --name root --scopes admin');
  }
}

main().catch((error: unknown) => {
  // A bad configuration names its variable; anything else is printed whole for the operator.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

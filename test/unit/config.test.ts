import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('has the documented defaults (contract section 6)', () => {
    expect(loadConfig({})).toEqual({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 4000,
      DATABASE_URL: 'sqlite:./data/scopeql.sqlite',
      MIGRATIONS_RUN: true,
      DB_TIMEOUT_MS: 5000,
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: 30000,
      BODY_LIMIT_BYTES: 1048576,
      KEY_CACHE_TTL_MS: 5000,
      KEY_CACHE_MAX: 10000,
      TRUST_PROXY: '',
      REQUEST_LOG_RETENTION_DAYS: 30,
      REQUEST_LOG_FLUSH_MS: 250,
      REQUEST_LOG_BATCH_SIZE: 100,
      REQUEST_LOG_BUFFER_MAX: 10000,
      WEBHOOKS_ALLOW_INSECURE: false,
      WEBHOOK_WORKER: true,
      WEBHOOK_POLL_MS: 1000,
      WEBHOOK_CONCURRENCY: 10,
      WEBHOOK_TIMEOUT_MS: 15000,
      WEBHOOK_LEASE_MS: 60000,
      WEBHOOK_RETRY_SCHEDULE: [0, 5, 300, 1800, 7200, 18000, 36000, 36000],
      WEBHOOK_DISABLE_AFTER_MS: 432000000,
      WEBHOOK_RETENTION_DAYS: 30,
      QUERY_MAX_DEPTH: 12,
      QUERY_MAX_COST: 5000,
      QUERY_MAX_ALIASES: 15,
      QUERY_MAX_DIRECTIVES: 50,
      QUERY_MAX_TOKENS: 2000,
      INTROSPECTION: 'scoped',
      RATE_LIMIT_REQUESTS: 600,
      RATE_LIMIT_WINDOW_SECONDS: 60,
      REDIS_TIMEOUT_MS: 500,
      RATE_LIMIT_UNAUTHENTICATED: 60,
      COST_BUCKET_SIZE: 1000,
      COST_RESTORE_RATE: 50,
      RATE_LIMIT_PREFIX: 'scopeql',
    });
  });

  it('refuses WEBHOOKS_ALLOW_INSECURE in production (contract section 7: loopback http in development only)', () => {
    expect(loadConfig({ WEBHOOKS_ALLOW_INSECURE: '1' }).WEBHOOKS_ALLOW_INSECURE).toBe(true);
    expect(() => loadConfig({ WEBHOOKS_ALLOW_INSECURE: 'true', NODE_ENV: 'production' })).toThrow(/WEBHOOKS_ALLOW_INSECURE: must not be true/);
  });

  it('reads the values an operator sets', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'mysql://scopeql:secret@db:3306/scopeql',
      MIGRATIONS_RUN: 'false',
    });
    expect(config).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', DATABASE_URL: 'mysql://scopeql:secret@db:3306/scopeql', MIGRATIONS_RUN: false });
  });

  it.each([
    ['sqlite:/var/lib/scopeql/db.sqlite'],
    ['sqlite:./data/other.sqlite'],
    ['mysql://root@127.0.0.1:3306/scopeql'],
    ['mysql://user:pass@host/db?charset=utf8mb4'],
  ])('accepts DATABASE_URL %s', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });

  it.each([
    ['MIGRATIONS_RUN', '0', false],
    ['MIGRATIONS_RUN', '1', true],
    ['MIGRATIONS_RUN', 'true', true],
    ['PORT', '0', 0],
    ['PORT', '65535', 65535],
  ])('reads %s=%s as %p', (name, value, expected) => {
    expect(loadConfig({ [name]: value })[name as 'PORT']).toBe(expected);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    // An empty PORT= must not silently mean "any free port".
    ['PORT', ''],
    ['DATABASE_URL', 'postgres://localhost/scopeql'],
    ['DATABASE_URL', 'mysql://localhost'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', './data/scopeql.sqlite'],
    ['DATABASE_URL', ''],
    ['MIGRATIONS_RUN', 'yes'],
    ['MIGRATIONS_RUN', ''],
    ['LOG_LEVEL', 'verbose'],
    ['RATE_LIMIT_REQUESTS', '0'],
    ['COST_RESTORE_RATE', ''],
    ['REDIS_URL', 'localhost:6379'],
    ['BODY_LIMIT_BYTES', '0'],
    ['NODE_ENV', 'staging'],
    ['QUERY_MAX_DEPTH', '0'],
    ['QUERY_MAX_COST', ''],
    ['QUERY_MAX_TOKENS', 'lots'],
    ['INTROSPECTION', 'yes'],
    ['KEY_CACHE_TTL_MS', '-5'],
    ['KEY_CACHE_TTL_MS', ''],
    // Zero days would prune every row the moment it is written.
    ['REQUEST_LOG_RETENTION_DAYS', '0'],
    ['REQUEST_LOG_RETENTION_DAYS', '7.5'],
    ['WEBHOOK_RETENTION_DAYS', '0'],
    ['WEBHOOK_RETENTION_DAYS', 'forever'],
    ['REQUEST_LOG_BATCH_SIZE', '0'],
    ['REQUEST_LOG_BUFFER_MAX', ''],
  ])('refuses %s=%j with a ConfigError naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', MIGRATIONS_RUN: 'maybe' })).toThrow(/PORT[\s\S]*MIGRATIONS_RUN/);
  });

  it('never echoes a DATABASE_URL password back', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:hunter2@h/db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

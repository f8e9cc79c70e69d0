import { QueryFailedError } from 'typeorm';
import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable, isUniqueViolation } from '../../src/db/driver-errors';
import { healthReport, type HealthProbe } from '../../src/http/health';

const driverError = (fields: Record<string, unknown>) => Object.assign(new Error('driver'), fields);

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', driverError({ code: 'ECONNREFUSED' })],
    ['a lost connection, wrapped by TypeORM', new QueryFailedError('SELECT 1', [], driverError({ code: 'PROTOCOL_CONNECTION_LOST' }))],
    ['a query timeout, wrapped twice', new GraphQLError('x', { originalError: new QueryFailedError('SELECT 1', [], driverError({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' })) })],
    ['any error mysql2 marks fatal', driverError({ code: 'SOMETHING_NEW', fatal: true })],
    ['SQLite locked past its busy timeout', driverError({ code: 'SQLITE_BUSY' })],
    ['a plain object thrown across realms', { thrownValue: { code: 'ECONNRESET' } }],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', new QueryFailedError('INSERT', [], driverError({ errno: 1062, code: 'ER_DUP_ENTRY' }))],
    ['a syntax error', new QueryFailedError('SELEC', [], driverError({ errno: 1064, code: 'ER_PARSE_ERROR' }))],
    ['a bug', new TypeError('undefined is not a function')],
    ['nothing', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('leaves the other classifications alone', () => {
    expect(isUniqueViolation(new QueryFailedError('INSERT', [], driverError({ errno: 1062 })))).toBe(true);
  });
});

describe('healthReport', () => {
  const probe = (name: string, critical: boolean, up: boolean | 'throws'): HealthProbe => ({
    name,
    critical,
    check: async () => {
      if (up === 'throws') throw new Error(`${name} unreachable`);
      return { up, detail: up ? undefined : 'per instance' };
    },
  });

  it('is ok when every probe is up', async () => {
    expect(await healthReport([probe('database', true, true), probe('redis', false, true)])).toEqual({
      status: 'ok',
      checks: { database: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('is degraded, not unavailable, when only a non-critical probe is down', async () => {
    const down: string[] = [];
    const report = await healthReport([probe('database', true, true), probe('redis', false, false)], (name) => down.push(name));
    expect(report).toEqual({ status: 'degraded', checks: { database: { status: 'up' }, redis: { status: 'down', detail: 'per instance' } } });
    expect(down).toEqual(['redis']);
  });

  it('is unavailable when a critical probe throws', async () => {
    const report = await healthReport([probe('database', true, 'throws'), probe('redis', false, true)]);
    expect(report.status).toBe('unavailable');
    expect(report.checks.database).toEqual({ status: 'down' });
  });
});

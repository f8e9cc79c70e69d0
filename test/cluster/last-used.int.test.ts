/**
 * lastUsedAt written by several instances (issue 10 item 5): each instance
 * writes at most once a minute per key, and a write only ever moves the value
 * forward, so a slow instance's older timestamp never overwrites a newer one.
 */
import { LastUsedTracker } from '../../src/auth/last-used';
import { loadConfig } from '../../src/config';
import { ApiKey } from '../../src/db/entities';
import { createServices, type Services } from '../../src/services';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let services: Services;
let keyId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices(db.dataSource, loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: db.url }));
  const { id: accountId } = await services.repos.accounts.findOrCreate('acme', 'acme');
  keyId = (await services.keys.create({ kind: 'operator', accountId }, { name: 'k', scopes: ['products:read'] })).key.id;
});
afterAll(async () => {
  await services.requestLogs.close();
  await db.drop();
});

const stored = async () => (await db.dataSource.getRepository(ApiKey).findOneByOrFail({ id: keyId })).lastUsedAt;

it('keeps the newest time whichever instance writes last', async () => {
  const onError = jest.fn();
  // Two instances' trackers, each with the key as it loaded it (never used yet).
  const [a, b] = [new LastUsedTracker(services.repos.apiKeys, onError), new LastUsedTracker(services.repos.apiKeys, onError)];
  const newer = new Date('2030-05-01T10:05:00.000Z');
  const older = new Date('2030-05-01T10:02:00.000Z');
  a.touch({ id: keyId, lastUsedAt: null }, newer);
  await a.flush();
  // B served a request earlier but writes after A: its write must not set the time back.
  b.touch({ id: keyId, lastUsedAt: null }, older);
  await b.flush();
  expect((await stored())?.toISOString()).toBe(newer.toISOString());

  // Concurrent writes of both: the latest wins, whatever order they land in.
  const latest = new Date('2030-05-01T10:09:00.000Z');
  a.touch({ id: keyId, lastUsedAt: null }, latest);
  b.touch({ id: keyId, lastUsedAt: null }, new Date('2030-05-01T10:07:00.000Z'));
  await Promise.all([a.flush(), b.flush()]);
  expect((await stored())?.toISOString()).toBe(latest.toISOString());
  expect(onError).not.toHaveBeenCalled();
});

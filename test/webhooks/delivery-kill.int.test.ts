import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Account, WebhookDelivery } from '../../src/db/entities';
import { writeTransaction } from '../../src/db/write-transaction';
import { publishEvent } from '../../src/webhooks/outbox';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertEndpoint, Receiver, SHORT_LEASES, waitFor } from './delivery-support';

// Issue 6 item 7: the real server process (`node dist/src/main.js`, built by
// `npm test`'s pretest) is killed with deliveries in flight and more queued;
// restarted, it delivers every one of them. Its leases are short so that the
// restart does not wait a minute for the killed process's claims to free up.
jest.setTimeout(30_000);

const MAIN = resolve(__dirname, '../../dist/src/main.js');
const EVENTS = 6;
const CONCURRENCY = 3;

let db: TestDatabase;
let receiver: Receiver;
const children: ChildProcess[] = [];
beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does it first)`);
  db = await createTestDatabase();
  receiver = await Receiver.start();
});
afterAll(async () => {
  for (const child of children) await stopServer(child, 'SIGKILL');
  await receiver.down();
  await db.drop();
});

function startServer(): ChildProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...SHORT_LEASES,
      WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`server exited with ${code}:\n${output}`);
  });
  children.push(child);
  return child;
}

/** Signals the server (if it still runs) and waits for it to be gone. */
async function stopServer(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill(signal);
  await exited;
}

it('delivers every pending event after the server is killed mid-queue and restarted', async () => {
  const { id: accountId } = await db.dataSource.getRepository(Account).save({ slug: 'acme', name: 'Acme' });
  await insertEndpoint(db.dataSource, { accountId, url: receiver.url });
  const expected = new Set<string>();
  for (let i = 0; i < EVENTS; i++) {
    const { messageId } = await writeTransaction(db.dataSource, (manager) => publishEvent(manager, accountId, 'booking.created', { id: `b${i}` }));
    expected.add(messageId);
  }

  // The receiver never answers: the first server's attempts hang until it dies.
  receiver.answer = () => 'hang';
  const first = startServer();
  await waitFor(() => receiver.received.length === CONCURRENCY, 'a full set of attempts in flight');
  await stopServer(first, 'SIGKILL');
  const rows = await db.dataSource.getRepository(WebhookDelivery).find();
  // Nothing recorded (the kill came mid-attempt); the attempts in flight are still leased to the dead process.
  expect(rows.map((d) => [d.status, d.attempts])).toEqual(rows.map(() => ['PENDING', 0]));
  expect(rows.filter((d) => d.lockedUntil !== null)).toHaveLength(CONCURRENCY);

  receiver.answer = () => 204;
  const hungIds = new Set(receiver.received.map((r) => r.headers['webhook-id'] as string));
  receiver.received.length = 0;
  const second = startServer();
  try {
    await waitFor(
      async () => (await db.dataSource.getRepository(WebhookDelivery).countBy({ status: 'SUCCEEDED' })) === EVENTS,
      'every delivery to succeed after the restart',
      20_000,
    );
  } finally {
    await stopServer(second, 'SIGTERM');
  }

  const delivered = receiver.received.map((r) => r.headers['webhook-id'] as string);
  expect(new Set(delivered)).toEqual(expected);
  expect(delivered).toHaveLength(EVENTS); // once each after the restart
  // The ones caught in flight were sent again with their own webhook-id.
  for (const id of hungIds) expect(expected.has(id)).toBe(true);
});

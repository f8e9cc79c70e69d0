import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../../src/db/entities';
import { writeTransaction } from '../../src/db/write-transaction';
import type { Actor } from '../../src/domain/actor';
import { createServices, type Services } from '../../src/services';
import { publishEvent } from '../../src/webhooks/outbox';
import { newWebhookSecret } from '../../src/webhooks/secrets';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** One request as the receiver saw it: the raw body, for signature checks. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly path: string;
}

/** What the receiver does with a request: answer with a status (and headers), or never answer. */
export type Answer = number | { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1. `answer` decides each response; `down()`
 * closes the port (connections are refused) and `up()` opens the same port
 * again, so a delivery's URL stays valid across an outage.
 */
export class Receiver {
  readonly received: Received[] = [];
  answer: (request: Received) => Answer = () => 204;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  private port = 0;

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Requests with this `webhook-id`. */
  byId(messageId: string): Received[] {
    return this.received.filter((r) => r.headers['webhook-id'] === messageId);
  }

  async up(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const seen: Received = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), path: request.url ?? '' };
        this.received.push(seen);
        const answer = this.answer(seen);
        if (answer === 'hang') {
          this.hanging.add(response);
          return;
        }
        const { status, headers, body } = typeof answer === 'number' ? { status: answer, headers: {}, body: '' } : answer;
        response.writeHead(status, headers).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls until `condition` holds; fails with `what` after the deadline. No fixed sleeps. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Settings that keep delivery tests fast: loopback allowed, quick polls and a short retry schedule. */
export const FAST_DELIVERY: Record<string, string> = {
  WEBHOOKS_ALLOW_INSECURE: 'true',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_RETRY_SCHEDULE: '0,0.1,0.1,0.1',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_LEASE_MS: '5000',
};

/**
 * Settings for a worker process that a test kills mid-queue: its leases run out
 * within seconds, so the restarted or surviving worker takes over the dead one's
 * deliveries without waiting out the default lease. An attempt's timeout stays
 * under the lease, so a live worker never loses a claim it is still using.
 */
export const SHORT_LEASES: Record<string, string> = {
  WEBHOOKS_ALLOW_INSECURE: 'true',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_LEASE_MS: '1500',
  WEBHOOK_RETRY_SCHEDULE: '0,0.2,0.2,0.2,0.2,0.2',
};

/** An account of its own for one test, so its endpoints see only its own events. */
export interface Tenant {
  readonly accountId: number;
  readonly operator: Actor;
  /** Inserts an endpoint row (an operator's, subscribed to everything, unless told otherwise). */
  addEndpoint(values?: Partial<WebhookEndpoint>): Promise<WebhookEndpoint>;
  /** Publishes an event through the outbox in its own transaction, then pokes the worker; returns its webhook-id. */
  publish(type?: string, data?: Record<string, unknown>): Promise<string>;
}

export interface DeliveryFixture {
  readonly db: TestDatabase;
  readonly services: Services;
  tenant(): Promise<Tenant>;
  delivery(messageId: string, endpointId?: number): Promise<WebhookDelivery>;
  attempts(deliveryId: number): Promise<WebhookAttempt[]>;
  close(): Promise<void>;
}

let tenants = 0;

/** Services (with their delivery worker, not started) on a fresh database. */
export async function deliveryFixture(env: Record<string, string> = {}): Promise<DeliveryFixture> {
  const db = await createTestDatabase();
  const services = servicesOn(db.dataSource, env);
  return {
    db,
    services,
    async tenant() {
      const slug = `tenant-${++tenants}`;
      const { id: accountId } = await services.repos.accounts.findOrCreate(slug, slug);
      return {
        accountId,
        operator: { kind: 'operator', accountId },
        addEndpoint: (values = {}) => insertEndpoint(db.dataSource, { accountId, ...values }),
        async publish(type = 'product.created', data = { id: 'UHJvZHVjdDox', name: 'Kayak' }) {
          const { messageId } = await writeTransaction(db.dataSource, (manager) => publishEvent(manager, accountId, type, data));
          services.webhookSignal.notify();
          return messageId;
        },
      };
    },
    async delivery(messageId, endpointId) {
      return db.dataSource.getRepository(WebhookDelivery).findOneByOrFail(endpointId === undefined ? { messageId } : { messageId, endpointId });
    },
    async attempts(deliveryId) {
      return db.dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId }, order: { id: 'ASC' } });
    },
    async close() {
      await services.webhookWorker.stop();
      await db.drop();
    },
  };
}

/**
 * Registers the hooks of a file whose tests deliver to one receiver: before its
 * tests, a fixture of its own with its worker running, and the receiver
 * listening; after them, both closed, since a running worker or an open port
 * keeps jest from exiting. Both objects exist at once and `f` is filled in by
 * beforeAll, so a file can destructure them at its top and use them in tests.
 */
export function setUpWorkerAndReceiver(): { readonly f: DeliveryFixture; readonly receiver: Receiver } {
  const f = {} as DeliveryFixture;
  const receiver = new Receiver();
  beforeAll(async () => {
    Object.assign(f, await deliveryFixture());
    await receiver.up();
    f.services.webhookWorker.start();
  });
  afterAll(async () => {
    await f.close();
    await receiver.down();
  });
  return { f, receiver };
}

export async function insertEndpoint(dataSource: DataSource, values: Partial<WebhookEndpoint> & { accountId: number }): Promise<WebhookEndpoint> {
  const repo = dataSource.getRepository(WebhookEndpoint);
  const { identifiers } = await repo.insert({
    url: 'http://127.0.0.1:9/unset',
    description: null,
    events: ['*'],
    enabled: true,
    disabledReason: null,
    createdByKeyId: null,
    secret: newWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    ...values,
  });
  return repo.findOneByOrFail({ id: identifiers[0]!.id as number });
}

/** The services graph a server would build, here without HTTP; each call gets its own worker. */
export function servicesOn(dataSource: DataSource, env: Record<string, string> = {}): Services {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...FAST_DELIVERY, ...env });
  return createServices(dataSource, config, process.env.DEBUG_WEBHOOKS ? { warn: (d, m) => console.warn(m, d) } : undefined);
}

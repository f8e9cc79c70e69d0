import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config';
import { isAppError } from '../../src/errors';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, parseRetrySchedule, RetrySchedule } from '../../src/webhooks/delivery/schedule';
import { MAX_ERROR_LENGTH, outgoingMessage, postWebhook, truncate, webhookHeaders } from '../../src/webhooks/delivery/send';
import { resolveTarget } from '../../src/webhooks/delivery/target';
import { newWebhookSecret } from '../../src/webhooks/secrets';
import { Receiver } from './delivery-support';

const at = new Date('2030-01-01T00:00:00.000Z');

describe('retry schedule', () => {
  it('is Svix’s by default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(DEFAULT_RETRY_SCHEDULE_SECONDS).toEqual([0, 5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]);
    expect(loadConfig({}).WEBHOOK_RETRY_SCHEDULE).toEqual(DEFAULT_RETRY_SCHEDULE_SECONDS);
    expect(new RetrySchedule().attempts).toBe(8);
  });

  it('waits the entry after the attempts made, ±10%, and ends after the last entry', () => {
    const low = new RetrySchedule(DEFAULT_RETRY_SCHEDULE_SECONDS, () => 0);
    const high = new RetrySchedule(DEFAULT_RETRY_SCHEDULE_SECONDS, () => 1);
    const after = (schedule: RetrySchedule, made: number) => schedule.nextAttemptAt(made, at)!.getTime() - at.getTime();
    expect(after(low, 1)).toBe(4_500);
    expect(after(high, 1)).toBe(5_500);
    expect(after(low, 2)).toBe(270_000);
    expect(after(high, 7)).toBe(39_600_000);
    expect(low.nextAttemptAt(8, at)).toBeNull();
  });

  it('spreads retries with jitter rather than sending them in one burst', () => {
    const schedule = new RetrySchedule([0, 100]);
    const delays = new Set(Array.from({ length: 50 }, () => schedule.nextAttemptAt(1, at)!.getTime() - at.getTime()));
    expect(delays.size).toBeGreaterThan(10);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(90_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(110_000);
  });

  it('parses WEBHOOK_RETRY_SCHEDULE: seconds, decimals allowed, starting with 0', () => {
    expect(parseRetrySchedule('0, 1.5,60')).toEqual([0, 1.5, 60]);
    expect(parseRetrySchedule('0')).toEqual([0]);
    expect(parseRetrySchedule('5,10')).toMatch(/must start with 0/);
    expect(parseRetrySchedule('0,-1')).toMatch(/comma-separated seconds/);
    expect(parseRetrySchedule('0,,5')).toMatch(/comma-separated seconds/);
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0,1h' })).toThrow(/WEBHOOK_RETRY_SCHEDULE: must be comma-separated seconds/);
  });
});

describe('delivery settings', () => {
  it('defaults: worker on, 1 s poll, 15 s timeout, 60 s lease, 5 days before disabling', () => {
    expect(loadConfig({})).toMatchObject({
      WEBHOOK_WORKER: true,
      WEBHOOK_POLL_MS: 1_000,
      WEBHOOK_TIMEOUT_MS: 15_000,
      WEBHOOK_LEASE_MS: 60_000,
      WEBHOOK_CONCURRENCY: 10,
      WEBHOOK_DISABLE_AFTER_MS: 432_000_000,
    });
    expect(loadConfig({ WEBHOOK_WORKER: 'false' }).WEBHOOK_WORKER).toBe(false);
  });

  it('refuses a lease no longer than the attempt timeout (two workers could then send one delivery at once)', () => {
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '5000', WEBHOOK_LEASE_MS: '5000' })).toThrow(/WEBHOOK_LEASE_MS: must be longer than WEBHOOK_TIMEOUT_MS/);
    expect(loadConfig({ WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_LEASE_MS: '1500' }).WEBHOOK_LEASE_MS).toBe(1_500);
  });
});

describe('signing', () => {
  const endpoint = { secret: newWebhookSecret(), previousSecret: newWebhookSecret(), previousSecretExpiresAt: new Date(at.getTime() + 1) };
  const event = { type: 'booking.created', occurredAt: new Date('2029-12-31T23:59:00.000Z'), data: { id: 'Qm9va2luZzox' } };

  it('builds { type, timestamp, data } and signs it so that standardwebhooks verifies it', () => {
    const now = new Date();
    const message = outgoingMessage({ messageId: 'msg_1' }, event, { ...endpoint, previousSecret: null }, now);
    const headers = webhookHeaders(message, now);
    expect(JSON.parse(message.body)).toEqual({ type: 'booking.created', timestamp: '2029-12-31T23:59:00.000Z', data: { id: 'Qm9va2luZzox' } });
    expect(headers).toMatchObject({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) });
    expect(new Webhook(endpoint.secret).verify(message.body, headers)).toEqual(JSON.parse(message.body));
    expect(() => new Webhook(endpoint.previousSecret).verify(message.body, headers)).toThrow();
  });

  it('signs with the previous secret too until it expires', () => {
    expect(outgoingMessage({ messageId: 'm' }, event, endpoint, at).secrets).toEqual([endpoint.secret, endpoint.previousSecret]);
    expect(outgoingMessage({ messageId: 'm' }, event, endpoint, new Date(at.getTime() + 1)).secrets).toEqual([endpoint.secret]);
  });

  it('truncates long errors for the log', () => {
    expect(truncate('x'.repeat(MAX_ERROR_LENGTH))).toHaveLength(MAX_ERROR_LENGTH);
    expect(truncate('x'.repeat(MAX_ERROR_LENGTH + 1))).toMatch(/^x{499}…$/);
  });
});

describe('send-time SSRF guard', () => {
  const lookupTo = (address: string) => async () => [{ address, family: address.includes(':') ? 6 : 4 }];

  it('refuses a host that now resolves to a private address', async () => {
    const refused = await resolveTarget('https://hooks.example.com/in', false, 1_000, lookupTo('10.1.2.3')).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('BAD_USER_INPUT');
    await expect(resolveTarget('https://hooks.example.com/in', false, 1_000, lookupTo('169.254.169.254'))).rejects.toThrow(/metadata/);
  });

  it('keeps the approved addresses, and the attempt connects to them rather than asking DNS again', async () => {
    const target = await resolveTarget('https://hooks.example.com/in', false, 1_000, lookupTo('93.184.216.34'));
    expect(target.addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);

    // `hooks.invalid` never resolves (RFC 6761), so only the pinned address can be what was reached.
    const receiver = await Receiver.start();
    try {
      const port = new URL(receiver.url).port;
      const outcome = await postWebhook(new URL(`http://hooks.invalid:${port}/pinned`), { 'webhook-id': 'msg_pin' }, '{}', {
        timeoutMs: 2_000,
        addresses: [{ address: '127.0.0.1', family: 4 }],
      });
      expect(outcome).toMatchObject({ statusCode: 204, succeeded: true, error: null });
      expect(receiver.received.map((r) => [r.path, r.headers.host])).toEqual([['/pinned', `hooks.invalid:${port}`]]);
    } finally {
      await receiver.down();
    }
  });

  it('gives up on a name that does not resolve in time', async () => {
    const never = () => new Promise<never>(() => undefined);
    await expect(resolveTarget('https://slow.example.com/', false, 50, never)).rejects.toThrow(/does not resolve/);
  });
});

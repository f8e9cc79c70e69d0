/**
 * RequestLogService without a database: the retention schedule, rows of a key
 * deleted while they waited, and values cut to their columns.
 */
import type { RequestLogRepository, RequestLogValues } from '../../src/db/repositories';
import { RequestLogService } from '../../src/domain/request-logs/request-log-service';

const DAY = 86_400_000;

function setup() {
  const repo = {
    insertMany: jest.fn(async (_rows: RequestLogValues[]) => undefined),
    existingKeyIds: jest.fn(async (ids: number[]) => new Set(ids)),
    deleteOlderThan: jest.fn(async (_cutoff: Date) => 0),
    listForKey: jest.fn(),
  };
  const warn = jest.fn();
  const service = new RequestLogService(repo as unknown as RequestLogRepository, { warn }, {
    retentionDays: 30,
    flushMs: 250,
    batchSize: 100,
    maxBuffered: 1_000,
  });
  return { repo, warn, service };
}

const row = (apiKeyId: number, extra: Partial<RequestLogValues> = {}): RequestLogValues => ({
  apiKeyId,
  accountId: 1,
  at: new Date(),
  operationName: null,
  rootFields: ['viewer'],
  outcome: 'OK',
  durationMs: 3,
  clientAddress: '127.0.0.1',
  ...extra,
});

afterEach(() => jest.useRealTimers());

it('prune(now) deletes what is older than the retention period', async () => {
  const { repo, service } = setup();
  const now = new Date('2030-06-30T12:00:00Z');
  await service.prune(now);
  expect(repo.deleteOlderThan).toHaveBeenCalledWith(new Date(now.getTime() - 30 * DAY));
});

it('prunes at start, then hourly, until closed', async () => {
  jest.useFakeTimers();
  const { repo, service } = setup();
  service.startPruning();
  expect(repo.deleteOlderThan).toHaveBeenCalledTimes(1);
  await jest.advanceTimersByTimeAsync(3_600_000);
  expect(repo.deleteOlderThan).toHaveBeenCalledTimes(2);
  await service.close();
  await jest.advanceTimersByTimeAsync(5 * 3_600_000);
  expect(repo.deleteOlderThan).toHaveBeenCalledTimes(2);
});

it('a failed prune is logged, and the next hour tries again', async () => {
  jest.useFakeTimers();
  const { repo, warn, service } = setup();
  repo.deleteOlderThan.mockRejectedValueOnce(new Error('lock wait timeout'));
  service.startPruning();
  await jest.advanceTimersByTimeAsync(0);
  expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'request log: pruning failed');
  await jest.advanceTimersByTimeAsync(3_600_000);
  expect(repo.deleteOlderThan).toHaveBeenCalledTimes(2);
  await service.close();
});

it('rows of a key deleted while they waited are dropped; the rest of the batch is written', async () => {
  const { repo, service } = setup();
  repo.insertMany.mockRejectedValueOnce(new Error('foreign key constraint fails'));
  repo.existingKeyIds.mockResolvedValueOnce(new Set([1]));
  service.record(row(1, { operationName: 'a' }));
  service.record(row(2, { operationName: 'b' }));
  service.record(row(1, { operationName: 'c' }));
  await service.flush();
  expect(repo.insertMany).toHaveBeenCalledTimes(2);
  expect(repo.insertMany.mock.calls[1]![0].map((r) => r.operationName)).toEqual(['a', 'c']);
  expect(service.stats.buffered).toBe(0);
});

it('when every key still exists the failure is the database: the rows stay for a retry', async () => {
  const { repo, service } = setup();
  repo.insertMany.mockRejectedValueOnce(new Error('connection lost'));
  service.record(row(1));
  await service.flush();
  expect(service.stats.buffered).toBe(1);
  await service.flush();
  expect(service.stats.buffered).toBe(0);
});

it('cuts client-chosen values to their columns, so one request cannot poison a batch', async () => {
  const { repo, service } = setup();
  service.record(row(1, { operationName: 'Q'.repeat(500), rootFields: Array.from({ length: 80 }, (_, i) => `f${i}${'x'.repeat(300)}`), durationMs: 12.6 }));
  await service.flush();
  const [written] = repo.insertMany.mock.calls[0]![0];
  expect(written!.operationName).toHaveLength(200);
  expect(written!.rootFields).toHaveLength(50);
  expect(Math.max(...written!.rootFields.map((f) => f.length))).toBe(100);
  expect(written!.durationMs).toBe(13);
});

/**
 * The request log's write-behind buffer (issue 5 item 7): requests never wait
 * for the database, rows go in batches and in order, a failing database costs
 * retries on a backing-off timer (not one per request), and memory is bounded.
 */
import { WriteBehindBuffer, type BufferOptions } from '../../src/domain/request-logs/request-log-buffer';

function setup(options: Partial<BufferOptions> = {}) {
  const written: number[][] = [];
  let failing = false;
  const write = jest.fn(async (rows: number[]) => {
    if (failing) throw new Error('database unreachable');
    written.push(rows);
  });
  const warn = jest.fn();
  const buffer = new WriteBehindBuffer<number>(write, { warn }, { flushMs: 250, batchSize: 3, maxBuffered: 100, ...options });
  const add = (...rows: number[]) => rows.forEach((row) => buffer.add(row));
  return { buffer, add, write, written, warn, fail: (on: boolean) => (failing = on) };
}

const messages = (warn: jest.Mock) => warn.mock.calls.map(([, message]) => message as string);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('adding never writes on the spot; the timer writes what waits, in one batch', async () => {
  const { add, write, written } = setup({ batchSize: 10 });
  add(1, 2);
  expect(write).not.toHaveBeenCalled();
  await jest.advanceTimersByTimeAsync(249);
  expect(write).not.toHaveBeenCalled();
  await jest.advanceTimersByTimeAsync(1);
  expect(written).toEqual([[1, 2]]);
});

it('a full batch is written without waiting for the timer', async () => {
  const { add, written } = setup();
  add(1, 2, 3);
  await jest.advanceTimersByTimeAsync(0);
  expect(written).toEqual([[1, 2, 3]]);
});

it('flush() writes everything so far, batch by batch, in arrival order', async () => {
  const { buffer, add, written } = setup({ batchSize: 3 });
  add(1, 2);
  await buffer.flush();
  add(3, 4, 5, 6, 7);
  await buffer.flush();
  expect(written.flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(written.every((batch) => batch.length <= 3)).toBe(true);
  expect(buffer.stats.buffered).toBe(0);
});

it('a failed write is logged once, keeps its rows in order, and they go out once the database is back', async () => {
  const { buffer, add, written, warn, fail } = setup();
  fail(true);
  add(1, 2);
  await expect(buffer.flush()).resolves.toBeUndefined();
  expect(buffer.stats).toMatchObject({ buffered: 2, failedWrites: 1 });
  add(3);
  fail(false);
  await buffer.flush();
  expect(written.flat()).toEqual([1, 2, 3]);
  expect(messages(warn)).toEqual(['request log: write failed; rows kept for a retry', 'request log: writes resumed']);
});

it('while the database is down, retries back off instead of following the traffic', async () => {
  const { add, write, fail } = setup({ batchSize: 2 });
  fail(true);
  add(1);
  await jest.advanceTimersByTimeAsync(250);
  expect(write).toHaveBeenCalledTimes(1);
  // Full batches keep arriving: no write per batch while failing.
  add(2, 3, 4, 5, 6, 7);
  await jest.advanceTimersByTimeAsync(0);
  expect(write).toHaveBeenCalledTimes(1);
  // Next attempt after 2 x 250 ms, then 4 x 250 ms.
  await jest.advanceTimersByTimeAsync(499);
  expect(write).toHaveBeenCalledTimes(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(write).toHaveBeenCalledTimes(2);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(write).toHaveBeenCalledTimes(3);
  // Capped: an hour of outage is a retry every 30 s at most, not thousands of writes.
  write.mockClear();
  await jest.advanceTimersByTimeAsync(3_600_000);
  // (120 at the cap, plus the few shorter waits on the way up to it.)
  expect(write.mock.calls.length).toBeGreaterThan(100);
  expect(write.mock.calls.length).toBeLessThanOrEqual(125);
});

it('holds at most maxBuffered rows: the oldest go first, counted, with one warning per streak', async () => {
  const { buffer, add, written, warn, fail } = setup({ maxBuffered: 5, batchSize: 100 });
  fail(true);
  add(1, 2, 3, 4, 5, 6, 7, 8);
  await buffer.flush();
  expect(buffer.stats).toMatchObject({ buffered: 5, dropped: 3 });
  expect(messages(warn).filter((m) => m.includes('buffer full'))).toHaveLength(1);
  fail(false);
  await buffer.flush();
  expect(written.flat()).toEqual([4, 5, 6, 7, 8]);
  expect(warn).toHaveBeenLastCalledWith({ failedWrites: 1, dropped: 3 }, 'request log: writes resumed');
});

it('close() writes what is left, and says how much was lost if it cannot', async () => {
  const ok = setup({ batchSize: 100 });
  ok.add(1, 2);
  await ok.buffer.close();
  expect(ok.written).toEqual([[1, 2]]);

  const down = setup({ batchSize: 100 });
  down.fail(true);
  down.add(1, 2);
  await down.buffer.close();
  expect(down.buffer.stats.buffered).toBe(0);
  expect(down.warn).toHaveBeenLastCalledWith({ lost: 2 }, 'request log: rows not written at shutdown');
  // Nothing left scheduled that would write after the database is gone.
  down.write.mockClear();
  await jest.advanceTimersByTimeAsync(60_000);
  expect(down.write).not.toHaveBeenCalled();
});

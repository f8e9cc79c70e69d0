import { PruneSchedule } from '../../src/domain/prune-schedule';

it('runs at start, logs a failure without stopping, and stop waits for the run in progress', async () => {
  const warnings: string[] = [];
  let finish!: () => void;
  let runs = 0;
  const schedule = new PruneSchedule(
    'things',
    () => {
      runs += 1;
      return new Promise<number>((resolve) => (finish = () => resolve(1)));
    },
    { warn: (_details, message) => void warnings.push(message) },
  );
  schedule.start();
  schedule.start();
  expect(runs).toBe(1);
  let stopped = false;
  const stopping = schedule.stop().then(() => (stopped = true));
  await Promise.resolve();
  expect(stopped).toBe(false);
  finish();
  await stopping;
  expect(warnings).toEqual([]);

  const failing = new PruneSchedule('things', () => Promise.reject(new Error('database away')), {
    warn: (_details, message) => void warnings.push(message),
  });
  failing.start();
  await failing.stop();
  expect(warnings).toEqual(['things: pruning failed']);
});

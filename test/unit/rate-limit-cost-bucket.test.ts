import { MemoryCostBucket } from '../../src/http/rate-limit/cost-bucket';

describe('MemoryCostBucket (leaky bucket of cost points)', () => {
  let now = 0;
  const bucket = () => new MemoryCostBucket({ size: 100, restoreRate: 10 }, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('starts full, takes all or nothing, and reads without taking', async () => {
    const b = bucket();
    expect(await b.take('k', 0)).toEqual({ allowed: true, available: 100 });
    expect(await b.take('k', 70)).toEqual({ allowed: true, available: 30 });
    expect(await b.take('k', 31)).toEqual({ allowed: false, available: 30 });
    expect(await b.take('k', 30)).toEqual({ allowed: true, available: 0 });
  });

  it('restores restoreRate points per second, never past the size', async () => {
    const b = bucket();
    await b.take('k', 100);
    now += 2_500;
    expect(await b.take('k', 0)).toEqual({ allowed: true, available: 25 });
    now += 60_000;
    expect(await b.take('k', 0)).toEqual({ allowed: true, available: 100 });
  });

  it('keeps one bucket per key', async () => {
    const b = bucket();
    await b.take('a', 100);
    expect(await b.take('b', 100)).toEqual({ allowed: true, available: 0 });
    expect((await b.take('a', 1)).allowed).toBe(false);
  });
});

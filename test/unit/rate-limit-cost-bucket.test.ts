import { actualQueryCost } from '../../src/http/rate-limit/actual-cost';
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

  it('takes back a refund (a negative take), never past the size', async () => {
    const b = bucket();
    await b.take('k', 80);
    expect(await b.take('k', -50)).toEqual({ allowed: true, available: 70 });
    expect(await b.take('k', -500)).toEqual({ allowed: true, available: 100 });
  });

  it('keeps one bucket per key', async () => {
    const b = bucket();
    await b.take('a', 100);
    expect(await b.take('b', 100)).toEqual({ allowed: true, available: 0 });
    expect((await b.take('a', 1)).allowed).toBe(false);
  });
});

describe('actualQueryCost', () => {
  const page = (rows: number) => ({ products: { edges: Array.from({ length: rows }, (_, i) => ({ node: { id: String(i), name: 'x' } })) } });

  it('counts the objects the response holds, at the weights of the estimate', () => {
    expect(actualQueryCost(page(3), 'query', 101)).toBe(7);
    expect(actualQueryCost(page(0), 'query', 101)).toBe(1);
    expect(actualQueryCost({ products: null }, 'query', 101)).toBe(0);
    expect(actualQueryCost(null, 'query', 101)).toBe(0);
  });

  it('charges each mutation root field that ran, even one that returned null', () => {
    expect(actualQueryCost({ createProduct: { product: { id: '1' } } }, 'mutation', 50)).toBe(12);
    expect(actualQueryCost({ createProduct: null }, 'mutation', 50)).toBe(10);
  });

  it('never charges more than was requested (and taken) up front', () => {
    expect(actualQueryCost(page(50), 'query', 21)).toBe(21);
  });
});

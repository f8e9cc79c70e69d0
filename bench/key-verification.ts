/**
 * Key verification, in process against the benchmark database: the app's
 * authenticator with a warm key cache (what nearly every request pays), and the
 * same with the cache off (what a key's first request, or every request with
 * KEY_CACHE_TTL_MS=0, pays: a lookup by hash and the effective permissions).
 */
import { KeyAuthenticator } from '../src/auth/authenticator';
import type { Services } from '../src/services';
import { median } from './measure';

export interface VerificationOptions {
  runs: number;
  runMs: number;
  /** Verifications in flight at once, as concurrent requests would have. */
  concurrency: number;
}

export const FULL_VERIFICATION: VerificationOptions = { runs: 3, runMs: 1000, concurrency: 10 };
export const TINY_VERIFICATION: VerificationOptions = { runs: 1, runMs: 50, concurrency: 2 };

export interface Verification {
  cachedPerSecond: number;
  uncachedPerSecond: number;
}

export async function keyVerification(services: Services, key: string, options: VerificationOptions): Promise<Verification> {
  const cached = new KeyAuthenticator(services.repos.apiKeys, services.engine, { cacheTtlMs: 60_000, cacheMax: 10_000 });
  const uncached = new KeyAuthenticator(services.repos.apiKeys, services.engine, { cacheTtlMs: 0, cacheMax: 0 });
  const credentials = { authorization: `Bearer ${key}`, clientAddress: '127.0.0.1', origin: undefined };
  const samples = { cached: [] as number[], uncached: [] as number[] };
  // Run 0 warms both up (the cache, the pool's connections, the JIT).
  for (let run = 0; run <= options.runs; run++) {
    for (const name of ['cached', 'uncached'] as const) {
      const authenticator = name === 'cached' ? cached : uncached;
      const perSecond = await throughput(() => authenticator.authenticate(credentials), options);
      if (run > 0 || options.runs === 0) samples[name].push(perSecond);
    }
  }
  return { cachedPerSecond: median(samples.cached), uncachedPerSecond: median(samples.uncached) };
}

async function throughput(task: () => Promise<unknown>, options: VerificationOptions): Promise<number> {
  const start = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() - start < options.runMs) {
        await task();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

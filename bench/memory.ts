/**
 * Memory: the real server driven with many requests cycling many distinct keys,
 * in a process of its own, its heap read after garbage collection at
 * checkpoints. Per-key state (key cache, permission memos, rate-limit and cost
 * buckets, lastUsedAt bookkeeping, request log buffer) must stay bounded, so the
 * heap at the last checkpoint should be level with the earlier ones.
 */
import type { HeapPoint } from './child';
import { startChild } from './http';

export interface MemoryOptions {
  keys: number;
  /** Requests after which the heap is read; the last is the total. */
  checkpoints: number[];
}

export const FULL_MEMORY: MemoryOptions = { keys: 1000, checkpoints: [1_000, 10_000, 100_000] };
export const TINY_MEMORY: MemoryOptions = { keys: 10, checkpoints: [20, 100] };

export interface MemoryResult {
  keys: number;
  points: HeapPoint[];
}

export async function memoryUnderLoad(databaseUrl: string, keys: string[], options: MemoryOptions): Promise<MemoryResult> {
  const requests = Math.max(...options.checkpoints);
  const child = await startChild({ kind: 'memory', databaseUrl, keys, requests, checkpoints: options.checkpoints }, ['--expose-gc']);
  await child.stop();
  if (child.reply.kind !== 'heap') throw new Error('the memory run did not report its heap');
  if (child.reply.failures > 0) throw new Error(`${child.reply.failures} of ${requests} requests of the memory run failed`);
  return { keys: keys.length, points: child.reply.points };
}

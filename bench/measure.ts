/**
 * Timing primitives. Operations per second are counted in this process's CPU
 * time, not the wall clock, so that time the machine gives other processes
 * does not count against whichever contender was running.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface SliceOptions {
  /** Untimed runs at the start of a slice, once its heap has been collected. */
  untimed: number;
  /** CPU time of the timed part of a slice... */
  sliceMs: number;
  /** ...and its fewest timed runs, however slow the contender. */
  minRuns: number;
}

export interface OperationTiming extends SliceOptions {
  /** Rounds of one slice per contender, after a warm-up round. */
  rounds: number;
}

export interface TimingOptions {
  /**
   * Isolates per contender: how V8 happened to compile a contender differs a
   * little from one isolate to the next, and stays for the isolate's life.
   */
  isolates: number;
  /** By operation name. */
  operations: Record<string, OperationTiming>;
}

export const FULL_TIMING: TimingOptions = {
  isolates: 3,
  operations: {
    list: { rounds: 7, untimed: 1, sliceMs: 100, minRuns: 2 },
    deep: { rounds: 7, untimed: 2, sliceMs: 50, minRuns: 2 },
    mutation: { rounds: 7, untimed: 20, sliceMs: 30, minRuns: 20 },
  },
};

export const TINY_TIMING: TimingOptions = {
  isolates: 1,
  operations: Object.fromEntries(['list', 'deep', 'mutation'].map((name) => [name, { rounds: 1, untimed: 0, sliceMs: 0, minRuns: 1 }])),
};

/**
 * One slice: runs per second of CPU time. It ends with a full collection, so
 * that no garbage (nor concurrent marking) of this slice is left for the next
 * contender's slice to pay for.
 */
export async function slice(task: () => Promise<unknown>, options: SliceOptions): Promise<number> {
  for (let i = 0; i < options.untimed; i++) await task();
  const start = cpuMicros();
  const deadline = start + options.sliceMs * 1000;
  let runs = 0;
  let now = start;
  while (runs < options.minRuns || now < deadline) {
    await task();
    runs++;
    now = cpuMicros();
  }
  collectGarbage();
  return runs / (Math.max(now - start, 1) / 1e6);
}

/** User + system time of this process, all its threads (so garbage collection counts). */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** A new order each round (the same on every run of the benchmark), so no contender always follows the same one. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = (seed + 1) | 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

let gc: (() => void) | undefined;

/** A full collection (`global.gc`, exposed on the fly when node was started without --expose-gc). */
export function collectGarbage(): void {
  if (!gc) {
    gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

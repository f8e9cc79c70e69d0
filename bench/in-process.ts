/**
 * Parts 1 and 2 of the benchmark: every contender times every operation of the
 * in-process fixture.
 *
 * Each contender lives in a worker thread of its own, a separate V8 isolate, as
 * an authorization layer is alone in a production process: in one shared
 * isolate the contenders' resolvers would share graphql-js's call sites and
 * change how each other is compiled, and each would pay for the others'
 * garbage. Each contender gets three isolates (how V8 compiles a contender
 * differs from one isolate to another, by a few percent, for the isolate's life). The workers take turns, one slice each per
 * round in a shuffled order, so that whatever else the machine is doing at a
 * moment falls on all of them alike; a contender's rate in a round is the mean
 * of its isolates', its ratio to (a) is taken within the round, and the median
 * over rounds is reported. Before any timing, each worker checks that its
 * contender answers as it must (the data (a) returns, for a key allowed
 * everything; errors, for a denied one).
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { CONTENDERS } from './contenders';
import { createFixture, FULL_SIZE, type FixtureSize } from './fixture';
import { FULL_TIMING, median, shuffled, type SliceOptions, type TimingOptions } from './measure';
import { siblingScript } from './sibling';
import { noAuthorization } from './variants';

export { CONTENDERS };

export interface Timed {
  /** Median over rounds of operations per second (CPU time, mean of the contender's isolates). */
  opsPerSecond: number;
  /** Median over rounds of this contender's ops/s divided by (a)'s in the same round. */
  ratio: number;
}

export interface OperationResult {
  readonly name: string;
  readonly label: string;
  /** By contender id. */
  readonly timings: Record<string, Timed>;
}

export interface WorkerSetup {
  contender: string;
  size: FixtureSize;
  /** By operation: SHA-256 of (a)'s `data`, which a key allowed everything must reproduce. */
  expected: Record<string, string>;
}
export interface WorkerRequest {
  operation: string;
  options: SliceOptions;
}
export type WorkerReply = { kind: 'ready' } | { kind: 'rate'; rate: number } | { kind: 'failed'; message: string };

export const dataHash = (data: unknown): string => createHash('sha256').update(JSON.stringify(data)).digest('hex');

export async function inProcess(
  size: FixtureSize = FULL_SIZE,
  timing: TimingOptions = FULL_TIMING,
  progress: (message: string) => void = () => undefined,
): Promise<OperationResult[]> {
  const fixture = createFixture(size);
  const plain = noAuthorization(fixture);
  const expected: Record<string, string> = {};
  for (const operation of fixture.operations) {
    const result = await plain(operation);
    if (result.errors?.length) throw new Error(`${operation.name} fails without authorization: ${result.errors[0]!.message}`);
    expected[operation.name] = dataHash(result.data);
  }

  const workers = new Map<string, ContenderWorker[]>();
  try {
    for (const contender of CONTENDERS) {
      workers.set(
        contender.id,
        Array.from({ length: timing.isolates }, () => new ContenderWorker({ contender: contender.id, size, expected })),
      );
    }
    await Promise.all([...workers.values()].flat().map((worker) => worker.ready));
    const slots = CONTENDERS.flatMap((contender) => workers.get(contender.id)!.map((worker) => ({ id: contender.id, worker })));
    const results: OperationResult[] = [];
    for (const operation of fixture.operations) {
      progress(`in process: ${operation.label}`);
      const { rounds, ...options } = timing.operations[operation.name]!;
      const samples: Record<string, number[]> = Object.fromEntries(CONTENDERS.map((c) => [c.id, []]));
      // Round 0 warms every worker up (compiled code, grown heap) and is not counted.
      for (let round = 0; round <= rounds; round++) {
        const rates: Record<string, number[]> = Object.fromEntries(CONTENDERS.map((c) => [c.id, []]));
        for (const { id, worker } of shuffled(slots, round)) rates[id]!.push(await worker.time({ operation: operation.name, options }));
        if (round === 0 && rounds > 0) continue;
        for (const { id } of CONTENDERS) samples[id]!.push(mean(rates[id]!));
      }
      const base = samples['a']!;
      const timings = Object.fromEntries(
        CONTENDERS.map(({ id }) => [
          id,
          { opsPerSecond: median(samples[id]!), ratio: median(samples[id]!.map((rate, i) => rate / base[i]!)) },
        ]),
      );
      results.push({ name: operation.name, label: operation.label, timings });
    }
    return results;
  } finally {
    await Promise.all([...workers.values()].flat().map((worker) => worker.stop()));
  }
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** A worker thread running `in-process-worker` in the same form as this process: compiled JS, or TypeScript through tsx (see sibling.ts). */
class ContenderWorker {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private pending: { resolve: (rate: number) => void; reject: (error: Error) => void } | undefined;

  constructor(setup: WorkerSetup) {
    const entry = siblingScript('in-process-worker').worker;
    this.worker = new Worker(entry.filename, {
      eval: entry.eval,
      workerData: setup,
      // As a deployed server runs: graphql-js, for one, then uses plain `instanceof` for its type checks.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('error', (error) => {
        reject(error);
        this.pending?.reject(error);
      });
      this.worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'ready') resolve();
        else if (reply.kind === 'failed') {
          const error = new Error(`contender ${setup.contender}: ${reply.message}`);
          reject(error);
          this.pending?.reject(error);
        } else this.pending?.resolve(reply.rate);
      });
    });
  }

  time(request: WorkerRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

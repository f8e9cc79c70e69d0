/**
 * One contender of the in-process benchmark, in a worker thread of its own (a
 * V8 isolate: its own graphql-js, its own compiled code, its own heap). It
 * checks its answers, says it is ready, then times one slice per request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CONTENDERS } from './contenders';
import { createFixture } from './fixture';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './in-process';
import { dataHash } from './in-process';
import { slice } from './measure';

const setup = workerData as WorkerSetup;
const post = (reply: WorkerReply) => parentPort!.postMessage(reply);

async function start() {
  const contender = CONTENDERS.find((c) => c.id === setup.contender);
  if (!contender) throw new Error(`unknown contender ${setup.contender}`);
  const fixture = createFixture(setup.size);
  const run = contender.build(fixture);
  const operations = new Map(fixture.operations.map((operation) => [operation.name, operation]));
  for (const operation of fixture.operations) {
    // A contender that skipped work or enforced nothing would win by cheating.
    const result = await run(operation);
    if (contender.key === 'allowed') {
      if (result.errors?.length) throw new Error(`${contender.label} on ${operation.name}: ${result.errors[0]!.message}`);
      if (dataHash(result.data) !== setup.expected[operation.name]) throw new Error(`${contender.label} on ${operation.name}: different data`);
    } else if (!result.errors?.length) {
      throw new Error(`${contender.label} on ${operation.name}: no error for the denied field`);
    }
  }
  parentPort!.on('message', (request: WorkerRequest) => {
    const operation = operations.get(request.operation)!;
    slice(() => run(operation), request.options).then(
      (rate) => post({ kind: 'rate', rate }),
      (error: unknown) => post({ kind: 'failed', message: String(error) }),
    );
  });
  post({ kind: 'ready' });
}

start().catch((error: unknown) => post({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));

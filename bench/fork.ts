/**
 * Forking the benchmark's own scripts: the child runs the same form of the code
 * as this process (compiled JS under `npm run bench`, TypeScript through tsx
 * under jest or `npx tsx`; see sibling.ts), and answers one job over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { siblingScript } from './sibling';

export interface Forked<Reply> {
  readonly reply: Reply;
  /** Asks the child to finish (`{ kind: 'stop' }`), killing it if it has not within 10 s. */
  stop(): Promise<void>;
}

/**
 * Forks the bench script `script` (named without extension, e.g. `child`), sends
 * it `job`, resolves with its first message, rejects if it answers
 * `{ kind: 'failed' }` or exits first. Children run with
 * NODE_ENV=production, as a deployed server does: graphql-js, for one, swaps its
 * development-time checks (several percent of execution) for plain `instanceof`.
 */
export function forkJob<Reply extends { kind: string }>(script: string, job: unknown, execArgv: string[] = []): Promise<Forked<Reply>> {
  const sibling = siblingScript(script).fork;
  const child: ChildProcess = fork(sibling.file, [], {
    execArgv: [...sibling.execArgv, ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ kind: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    child.once('message', (reply: Reply & { message?: string }) => {
      if (reply.kind === 'failed') {
        void stop().finally(() => reject(new Error(`benchmark child ${script} failed: ${reply.message}`)));
        return;
      }
      resolve({ reply, stop });
    });
    child.once('exit', (code) => reject(new Error(`benchmark child ${script} exited with ${code} before answering`)));
    child.send(job as object);
  });
}

/** The child's side: answers each job with `work`'s result, or `{ kind: 'failed' }`; `{ kind: 'stop' }` runs `close` and exits. */
export function serveJobs<Job, Reply>(work: (job: Job) => Promise<Reply>, close: () => Promise<unknown> = async () => undefined): void {
  process.on('message', (job: Job | { kind: 'stop' }) => {
    if ((job as { kind?: string }).kind === 'stop') {
      void close().finally(() => process.exit(0));
      return;
    }
    work(job as Job).then(
      (reply) => process.send!(reply as object),
      (error: unknown) => process.send!({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}

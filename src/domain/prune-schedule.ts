import type { BackgroundLog } from './request-logs/request-log-buffer';

const EVERY_MS = 3_600_000;

/**
 * Runs a retention job at start and then hourly until stopped. A failure is
 * logged and the next hour tries again; `stop` waits for a run in progress, so
 * the database can be closed after it. Started by the server (app.ts), not by
 * the CLI or by tests of services.
 */
export class PruneSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly what: string,
    private readonly prune: (now: Date) => Promise<number>,
    private readonly log: BackgroundLog,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    const run = () => {
      this.running = this.prune(new Date()).catch((error: unknown) => this.log.warn({ err: error }, `${this.what}: pruning failed`));
    };
    run();
    this.timer = setInterval(run, EVERY_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

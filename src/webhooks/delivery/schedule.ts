/**
 * When a failed delivery is tried again. The schedule lists, per attempt, how
 * long to wait after the previous one; its length is the number of attempts.
 * The default is the one Svix publishes (immediately, 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 10 h: eight attempts over about 27 hours).
 */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/** ±10%: endpoints that failed together (an outage) are retried spread out, not in one burst. */
const JITTER = 0.1;

export class RetrySchedule {
  private readonly delaysMs: readonly number[];

  constructor(
    seconds: readonly number[] = DEFAULT_RETRY_SCHEDULE_SECONDS,
    private readonly random: () => number = Math.random,
  ) {
    if (seconds.length === 0) throw new Error('a retry schedule needs at least one attempt');
    this.delaysMs = seconds.map((s) => Math.round(s * 1000));
  }

  get attempts(): number {
    return this.delaysMs.length;
  }

  /**
   * When to try again after `attemptsMade` attempts have failed, or null when
   * that was the last one. The first entry is the first attempt's own delay,
   * which the outbox gives by queueing the delivery as due at once.
   */
  nextAttemptAt(attemptsMade: number, now: Date): Date | null {
    if (attemptsMade >= this.delaysMs.length) return null;
    const base = this.delaysMs[attemptsMade];
    const jittered = base * (1 - JITTER + 2 * JITTER * this.random());
    return new Date(now.getTime() + Math.round(jittered));
  }
}

/** Parses `WEBHOOK_RETRY_SCHEDULE`: comma-separated seconds (decimals allowed), starting at 0. */
export function parseRetrySchedule(text: string): number[] | string {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) return 'must be comma-separated seconds, e.g. 0,5,300';
  const seconds = parts.map(Number);
  // The outbox queues every delivery as due at once, so a first entry other than
  // 0 could not be honoured; refusing it beats silently ignoring it.
  if (seconds[0] !== 0) return 'must start with 0 (the first attempt is immediate)';
  return seconds;
}

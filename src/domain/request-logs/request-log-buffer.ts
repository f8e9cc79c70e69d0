/** Where the buffer reports trouble: pino's logger fits, and so does a test's spy. */
export interface BackgroundLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface BufferOptions {
  /** The longest a row waits before a write is attempted. */
  flushMs: number;
  /** Rows per INSERT; a full batch is written at once instead of waiting for the timer. */
  batchSize: number;
  /** Most rows held; past this the oldest are dropped. */
  maxBuffered: number;
}

/** Retries while the database is down back off up to this, so an outage costs a query every half minute, not per request. */
const MAX_RETRY_MS = 30_000;

/**
 * A write-behind buffer: requests hand rows over synchronously and never wait
 * for the database. Rows are written in batches, one statement per batch, a
 * few hundred milliseconds after the first of them arrived or as soon as a
 * batch is full, and in arrival order.
 *
 * When a write fails the batch goes back to the front and is retried on a
 * backing-off timer (never once per incoming row, which would hammer a
 * database that is already struggling). Memory is bounded: past `maxBuffered`
 * the oldest rows are dropped, because a log of the last hour is worth more
 * than one of the hour before. Failures and drops are reported once per
 * streak, not per row, so a long outage does not flood the log either.
 */
export class WriteBehindBuffer<Row> {
  private rows: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The tail of the write chain: one write at a time, so batches land in order. */
  private writing: Promise<void> = Promise.resolve();
  private failedWrites = 0;
  private droppedInStreak = 0;
  private droppedTotal = 0;

  constructor(
    private readonly write: (rows: Row[]) => Promise<void>,
    private readonly log: BackgroundLog,
    private readonly options: BufferOptions,
  ) {}

  add(row: Row): void {
    this.rows.push(row);
    this.dropOverflow();
    if (this.rows.length >= this.options.batchSize && this.failedWrites === 0) void this.flush();
    else this.schedule();
  }

  /**
   * Writes everything buffered so far, then resolves; it never rejects (a
   * failure is logged and the rows stay for the next attempt). Tests call it
   * instead of sleeping, and shutdown calls it before the database closes.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.drain());
    return this.writing;
  }

  /** Flushes once more and reports what could not be written; nothing is scheduled afterwards. */
  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.rows.length > 0) {
      this.log.warn({ lost: this.rows.length }, 'request log: rows not written at shutdown');
      this.rows = [];
    }
  }

  get stats(): { buffered: number; dropped: number; failedWrites: number } {
    return { buffered: this.rows.length, dropped: this.droppedTotal, failedWrites: this.failedWrites };
  }

  private async drain(): Promise<void> {
    while (this.rows.length > 0) {
      const batch = this.rows.splice(0, this.options.batchSize);
      try {
        await this.write(batch);
      } catch (error) {
        this.rows.unshift(...batch);
        this.dropOverflow();
        this.failedWrites += 1;
        // Powers of two: the first failure, then ever rarer reminders while it lasts.
        if ((this.failedWrites & (this.failedWrites - 1)) === 0) {
          this.log.warn({ err: error, failedWrites: this.failedWrites, buffered: this.rows.length }, 'request log: write failed; rows kept for a retry');
        }
        this.schedule();
        return;
      }
      this.recovered();
    }
  }

  private recovered(): void {
    if (this.failedWrites === 0 && this.droppedInStreak === 0) return;
    this.log.warn({ failedWrites: this.failedWrites, dropped: this.droppedInStreak }, 'request log: writes resumed');
    this.failedWrites = 0;
    this.droppedInStreak = 0;
  }

  private dropOverflow(): void {
    const excess = this.rows.length - this.options.maxBuffered;
    if (excess <= 0) return;
    this.rows.splice(0, excess);
    if (this.droppedInStreak === 0) {
      this.log.warn({ maxBuffered: this.options.maxBuffered }, 'request log: buffer full, dropping the oldest rows');
    }
    this.droppedInStreak += excess;
    this.droppedTotal += excess;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.rows.length === 0) return;
    const delay = Math.min(this.options.flushMs * 2 ** this.failedWrites, Math.max(MAX_RETRY_MS, this.options.flushMs));
    // unref: a pending flush must not keep a finished process (the CLI, a test) alive.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay).unref();
  }
}

/**
 * An in-process poke from the writers of the outbox to the delivery worker:
 * "events were committed, look now" rather than at the next poll. Only a
 * hint: a poke lost (another process wrote, or nobody listened) costs at most
 * one poll interval, because the worker still polls the table. Notify only
 * AFTER the transaction that wrote the events committed, or the worker may
 * look before the rows are visible and then sleep past them.
 */
export class WebhookSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the writer that poked must not fail after its commit.
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }
}

/** What a writer needs of the signal. */
export type WebhookNotifier = Pick<WebhookSignal, 'notify'>;

/** For services built without a worker (some tests): pokes go nowhere. */
export const NO_WEBHOOK_NOTIFIER: WebhookNotifier = { notify: () => undefined };

import type { ApiKeyRepository } from '../db/repositories';

const RESOLUTION_MS = 60_000;

/**
 * Keeps `lastUsedAt` current to the minute (contract section 4) with at most
 * one write per key per minute per process, instead of a write per request.
 * Writes are fire-and-forget: a failed bookkeeping write must not fail the
 * request it describes.
 */
export class LastUsedTracker {
  private readonly written = new Map<number, number>();
  /** Writes not yet settled; `flush()` waits for them (graceful shutdown, before the pool closes). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly onError: (error: unknown) => void,
  ) {}

  touch(key: { id: number; lastUsedAt: Date | null }, at: Date): void {
    const last = this.written.get(key.id) ?? key.lastUsedAt?.getTime() ?? 0;
    if (at.getTime() - last < RESOLUTION_MS) return;
    this.written.set(key.id, at.getTime());
    const write = this.keys
      .touchLastUsed(key.id, at)
      .then(() => undefined)
      .catch(this.onError)
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Resolves once every write started so far has settled. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  forget(keyId: number): void {
    this.written.delete(keyId);
  }
}

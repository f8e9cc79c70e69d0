/**
 * What changed: one key (revoked, rolled, deleted, its scopes, policies,
 * expiry or allowlist updated), or anything (a policy changed, which any key
 * may hold; or a change may have been missed).
 */
export type CacheChange = { readonly keyId: number } | { readonly all: string };

/** Carries changes to the other instances (the Redis bus); absent on a single instance. */
export interface ChangeTransport {
  /** Resolves once the change is handed over (or could not be); never rejects. */
  publish(change: CacheChange): Promise<void>;
}

/**
 * The in-memory caches of what a key may do (the authenticator's key cache,
 * listed origins) and the one way they are told about changes, made here or
 * on another instance. Without a transport this is exactly the old in-process
 * invalidation; with one (REDIS_URL), every change made here is also
 * published, and changes published elsewhere arrive through `received`.
 *
 * `cacheTrusted` is false while a transport is attached but cannot hear the
 * other instances (Redis down, not yet subscribed): a change made elsewhere
 * would go unnoticed, so callers read keys from the database instead.
 */
export class CacheInvalidation {
  private transport: ChangeTransport | undefined;
  private trusted = true;

  constructor(private readonly apply: (change: CacheChange) => void) {}

  get cacheTrusted(): boolean {
    return this.trusted;
  }

  /**
   * A change committed by this instance: dropped here at once, then published.
   * The caller awaits it before answering, so a client that saw the answer can
   * rely on every instance having been told.
   */
  async changed(change: CacheChange): Promise<void> {
    this.apply(change);
    await this.transport?.publish(change);
  }

  /** A change published by another instance (or everything, after a gap in listening). */
  received(change: CacheChange): void {
    this.apply(change);
  }

  /** Connects the transport; the caches are untrusted until it says it listens (`listening(true)`). */
  attach(transport: ChangeTransport): () => void {
    this.transport = transport;
    this.trusted = false;
    return () => {
      if (this.transport !== transport) return;
      this.transport = undefined;
      this.trusted = true;
    };
  }

  /** The transport hears other instances again (after clearing everything), or has stopped hearing them. */
  listening(on: boolean): void {
    if (this.transport) this.trusted = on;
  }
}

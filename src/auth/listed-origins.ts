import type { ApiKeyRepository } from '../db/repositories';

const REFRESH_MS = 30_000;

/**
 * Origins listed by any active publishable key: the only origins CORS headers
 * are ever sent to (contract section 1). A browser's preflight carries no key,
 * so the preflight can only ask "does some key list this origin?"; the request
 * that follows is then held to its own key's list (ORIGIN_NOT_ALLOWED).
 * Kept in memory, refreshed at most every 30 s and dropped when a key changes
 * (on any instance: src/cluster).
 */
export class ListedOrigins {
  private cached: { origins: Set<string>; at: number } | undefined;
  private loading: Promise<Set<string>> | undefined;
  /** Bumped by `invalidate`: a load that began before a change must not be kept as current. */
  private generation = 0;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async has(origin: string): Promise<boolean> {
    return (await this.current()).has(origin);
  }

  invalidate(): void {
    this.generation += 1;
    this.cached = undefined;
    this.loading = undefined;
  }

  private async current(): Promise<Set<string>> {
    if (this.cached && this.now() - this.cached.at < REFRESH_MS) return this.cached.origins;
    // Concurrent preflights share one query.
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = this.keys.listedOrigins().then(
      (list) => {
        const origins = new Set(list);
        if (generation === this.generation) {
          this.cached = { origins, at: this.now() };
          this.loading = undefined;
        }
        return origins;
      },
      (error: unknown) => {
        if (this.loading === loading) this.loading = undefined;
        throw error;
      },
    );
    this.loading = loading;
    return loading;
  }
}

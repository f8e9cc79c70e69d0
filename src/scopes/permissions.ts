import type { CompiledRequirement } from './types';

/**
 * What one key may do, computed once per key (grants minus denies, already
 * expanded) by `ScopeEngine.permissionsFor`, then asked many times per request.
 *
 * Field checks are the hot path: a list of 100 bookings with 10 guarded fields is
 * a thousand checks. So `allows` remembers each decision in a plain array indexed
 * by the requirement's build-time id; after the first ask it is one array read,
 * no set lookups and no allocation. The memo lives as long as this object, so the
 * auth layer should cache the object with the key, not rebuild it per request.
 */
export class EffectivePermissions {
  readonly scopes: ReadonlySet<string>;
  private readonly order: readonly string[];
  // Holey but dense in practice: requirement ids are small consecutive integers
  // handed out while the one schema of the process is built.
  private readonly decisions: boolean[] = [];
  private listed: readonly string[] | undefined;

  /** @param order catalog order, used only to present `list()` the way the catalog reads. */
  constructor(scopes: Iterable<string>, order: readonly string[]) {
    this.scopes = new Set(scopes);
    this.order = order;
  }

  has(scope: string): boolean {
    return this.scopes.has(scope);
  }

  allows(req: CompiledRequirement): boolean {
    const known = this.decisions[req.id];
    if (known !== undefined) return known;
    return (this.decisions[req.id] = this.decide(req));
  }

  /**
   * The scopes still needed, taken from the alternative that lacks the fewest
   * (first such one on a tie), so an error can say "add X" rather than list every
   * way the field could have been allowed. Empty when the requirement is met.
   */
  missing(req: CompiledRequirement): string[] {
    let best: string[] | undefined;
    for (const alternative of req.anyOf) {
      const lacked = this.lacking(alternative);
      if (lacked.length === 0) return [];
      if (!best || lacked.length < best.length) best = lacked;
    }
    return best ?? [];
  }

  /** Held scopes in catalog order (for `X-Scopes`, `viewer.effectiveScopes`). */
  list(): string[] {
    if (!this.listed) {
      const ordered = this.order.filter((name) => this.scopes.has(name));
      const rest = [...this.scopes].filter((name) => !this.order.includes(name)).sort();
      this.listed = Object.freeze([...ordered, ...rest]);
    }
    return [...this.listed];
  }

  /** The given scopes this key does not hold, deduplicated, in the order given. */
  lacking(scopes: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const scope of scopes) if (!this.scopes.has(scope)) out.add(scope);
    return [...out];
  }

  private decide(req: CompiledRequirement): boolean {
    for (const alternative of req.anyOf) {
      if (alternative.every((scope) => this.scopes.has(scope))) return true;
    }
    return false;
  }
}

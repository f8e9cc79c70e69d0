import { badInput } from '../errors';
import { defaultCatalog } from './catalog';
import { EffectivePermissions } from './permissions';
import type { CompiledRequirement, PermissionInput, ScopeAlternatives, ScopeCatalog } from './types';

export { EffectivePermissions };

const ADMIN = 'admin';
const EMPTY: ReadonlySet<string> = new Set();

// A process-wide counter rather than one per engine: the id indexes the per-key
// decision memo in EffectivePermissions, so two requirements must never share an
// id, even if a test builds several schemas (or engines) in one process.
let nextRequirementId = 0;

const resourceOf = (scope: string): string | undefined =>
  scope === ADMIN ? undefined : scope.slice(0, scope.lastIndexOf(':'));
const actionOf = (scope: string): string | undefined =>
  scope === ADMIN ? undefined : scope.slice(scope.lastIndexOf(':') + 1);
const isRead = (scope: string): boolean => actionOf(scope) === 'read';

/**
 * Effective permissions from a catalog (contract §1). Every pattern a key, bundle
 * or policy may name is expanded once here, at construction, so a permission
 * computation is a handful of set unions and a check is a set lookup.
 */
export class ScopeEngine {
  /** The catalog it was built from, for the `scopes` and `scopeBundles` queries. */
  readonly catalog: ScopeCatalog;
  readonly scopeNames: readonly string[];
  private readonly grants = new Map<string, ReadonlySet<string>>();
  private readonly denies = new Map<string, ReadonlySet<string>>();
  private readonly bundles = new Map<string, ReadonlySet<string>>();
  private readonly nonAdmin: ReadonlySet<string>;

  constructor(catalog: ScopeCatalog) {
    this.catalog = catalog;
    this.scopeNames = Object.freeze(catalog.scopes.map((s) => s.name));
    const implies = new Map(catalog.scopes.map((s) => [s.name, s.implies] as const));
    const closure = (start: string, skip: (scope: string) => boolean): Set<string> => {
      const seen = new Set<string>([start]);
      const stack = [start];
      while (stack.length) {
        for (const next of implies.get(stack.pop()!) ?? []) {
          if (seen.has(next) || !implies.has(next) || skip(next)) continue;
          seen.add(next);
          stack.push(next);
        }
      }
      return seen;
    };

    for (const name of this.scopeNames) {
      this.grants.set(name, closure(name, () => false));
      // Deny choice (the contract leaves it open): denying a scope removes what it
      // implies, EXCEPT implied `:read` scopes (and what only they would lead to).
      // Denying `customers:write` takes away create/update/delete but leaves
      // `customers:read`: "no writing" must never silently mean "no reading" too,
      // which would break read-only integrations behind a write deny. To take
      // reading away, deny `customers:read` (or `customers:*`) explicitly.
      this.denies.set(name, name === ADMIN ? new Set([ADMIN]) : closure(name, isRead));
    }

    // `R:*` for every resource and every prefix of one, on segment boundaries:
    // `webhooks:*` covers `webhooks.deliveries:retry`, `web:*` is simply unknown.
    const prefixes = new Set<string>();
    for (const name of this.scopeNames) {
      const segments = resourceOf(name)?.split('.') ?? [];
      segments.forEach((_, i) => prefixes.add(segments.slice(0, i + 1).join('.')));
    }
    for (const prefix of prefixes) {
      const under = this.scopeNames.filter((n) => {
        const r = resourceOf(n);
        return r !== undefined && (r === prefix || r.startsWith(`${prefix}.`));
      });
      // Denying `R:*` stays inside R; granting it also grants what those scopes
      // imply, should the catalog ever let a scope imply one on another resource.
      this.denies.set(`${prefix}:*`, new Set(under));
      this.grants.set(`${prefix}:*`, new Set(under.flatMap((n) => [...this.grants.get(n)!])));
    }

    // `admin` is every scope, whether or not the catalog lists `admin` itself.
    this.grants.set(ADMIN, new Set([...this.scopeNames, ADMIN]));
    this.denies.set(ADMIN, new Set([ADMIN]));
    this.nonAdmin = new Set(this.scopeNames.filter((n) => n !== ADMIN));

    for (const bundle of catalog.bundles) this.bundles.set(bundle.name, this.union(bundle.scopes));
  }

  /** Concrete scopes a grant pattern gives; empty for an unknown pattern (stale data fails closed). */
  expandGrant(pattern: string): ReadonlySet<string> {
    return this.grants.get(pattern) ?? EMPTY;
  }

  /** What holding a concrete scope stands for: `admin` stands for every scope. */
  private coverage(scope: string): ReadonlySet<string> {
    return scope === ADMIN ? this.grants.get(ADMIN)! : (this.denies.get(scope) ?? EMPTY);
  }

  /** Concrete scopes a deny pattern removes; see the constructor for why implied reads survive. */
  expandDeny(pattern: string): ReadonlySet<string> {
    return this.denies.get(pattern) ?? EMPTY;
  }

  /** Every scope the key's scopes, bundles and policies grant, before denies and key type. */
  grantsOf(input: PermissionInput): ReadonlySet<string> {
    const out = this.union(input.scopes);
    for (const name of input.bundles) for (const s of this.bundles.get(name) ?? EMPTY) out.add(s);
    for (const policy of input.policies) {
      const granted = policy.mode === 'DENY' ? this.nonAdmin : this.union(policy.scopes);
      for (const s of granted) out.add(s);
    }
    return out;
  }

  /**
   * Effective = union of grants minus union of denies: a deny always wins over a
   * grant, wildcard, bundle, implication or `admin`. Unknown names are ignored,
   * not thrown: stored keys may predate a catalog change, and names are checked
   * when they are written.
   */
  permissionsFor(input: PermissionInput): EffectivePermissions {
    const denied = new Set<string>();
    for (const policy of input.policies) {
      if (policy.mode === 'DENY') for (const s of this.union(policy.scopes, this.denies)) denied.add(s);
    }
    const kept = new Set<string>();
    for (const s of this.grantsOf(input)) {
      // A publishable key is refused write scopes when created; this is the second
      // line of defence should one ever be stored (contract §1, key types).
      if (!denied.has(s) && (input.keyType !== 'PUBLISHABLE' || isRead(s))) kept.add(s);
    }
    // A compound scope stays only while everything it stands for does: with
    // `customers:delete` denied, the key keeps create/update but no longer holds
    // `customers:write` (nor `admin`), so nothing that names the compound scope
    // can slip past the deny. Coverage sets are closed, so one pass suffices.
    const effective = [...kept].filter((s) => [...this.coverage(s)].every((c) => kept.has(c)));
    return new EffectivePermissions(effective, this.scopeNames);
  }

  isValidPattern(pattern: string): boolean {
    return this.grants.has(pattern);
  }

  bundleNames(): string[] {
    return [...this.bundles.keys()];
  }

  /** Throws BAD_USER_INPUT naming every unknown pattern with the closest valid ones. */
  assertValidScopes(patterns: Iterable<string>, field: string): void {
    const unknown = [...new Set(patterns)].filter((p) => !this.grants.has(p));
    if (unknown.length) throw unknownNames('scope', unknown, [...this.grants.keys()], field, 'unknownScopes');
  }

  assertValidBundles(names: Iterable<string>, field: string): void {
    const unknown = [...new Set(names)].filter((n) => !this.bundles.has(n));
    if (unknown.length) throw unknownNames('bundle', unknown, this.bundleNames(), field, 'unknownBundles');
  }

  /**
   * For publishable keys: refuse anything that grants more than reading. Given a
   * whole PermissionInput it checks what the key would hold (grants minus denies),
   * so a DENY-mode policy, which grants every write it does not list, is refused
   * too; the error names the scopes, bundles or policies that bring the writes.
   */
  assertReadOnly(input: PermissionInput): void;
  assertReadOnly(patterns: Iterable<string>, field: string): void;
  assertReadOnly(arg: PermissionInput | Iterable<string>, field = 'scopes'): void {
    if (!isPermissionInput(arg)) {
      this.refuseWrites([...arg].map((p): [string, ReadonlySet<string>] => [p, this.expandGrant(p)]), field);
      return;
    }
    const held = new Set(this.permissionsFor({ ...arg, keyType: 'SECRET' }).scopes);
    const keep = (source: ReadonlySet<string>) => new Set([...source].filter((s) => held.has(s)));
    const sources: [string, string, ReadonlySet<string>][] = [
      ...arg.scopes.map((p): [string, string, ReadonlySet<string>] => ['scopes', p, keep(this.expandGrant(p))]),
      ...arg.bundles.map((b): [string, string, ReadonlySet<string>] => ['bundles', b, keep(this.bundles.get(b) ?? EMPTY)]),
      ...arg.policies.map((p, i): [string, string, ReadonlySet<string>] => [
        'policies',
        (p as { name?: string }).name ?? `${p.mode} policy #${i + 1}`,
        keep(p.mode === 'DENY' ? this.nonAdmin : this.union(p.scopes)),
      ]),
    ];
    const offending = sources.filter(([, , scopes]) => [...scopes].some((s) => !isRead(s)));
    if (offending.length) this.refuseWrites(offending.map(([, name, scopes]) => [name, scopes]), offending[0][0]);
  }

  /** The same for bundles: `booking_widget` passes, `booking_agent` does not. */
  assertReadOnlyBundles(names: Iterable<string>, field: string): void {
    this.refuseWrites([...names].map((n): [string, ReadonlySet<string>] => [n, this.bundles.get(n) ?? EMPTY]), field);
  }

  /**
   * Checks a `@requiresScope` requirement at schema build. Only concrete catalog
   * scopes: a wildcard in a requirement would read as "needs every products scope"
   * to some and "needs any" to others, so it is refused rather than interpreted.
   */
  compile(anyOf: ScopeAlternatives, where: string): CompiledRequirement {
    if (anyOf.length === 0 || anyOf.some((alt) => alt.length === 0)) {
      throw new Error(`@requiresScope on ${where}: empty scope list (a requirement must name at least one scope)`);
    }
    for (const name of anyOf.flat()) {
      if (this.grants.has(name) && !name.endsWith(':*')) continue;
      const hint = name.endsWith(':*') && this.grants.has(name) ? ' is a wildcard; name concrete scopes' : ' is not in the scope catalog';
      const close = suggest(name, this.scopeNames);
      const tail = close.length ? `. Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : '';
      throw new Error(`@requiresScope on ${where}: "${name}"${hint}${tail}`);
    }
    return Object.freeze({ id: nextRequirementId++, anyOf: Object.freeze(anyOf.map((alt) => Object.freeze([...alt]))) });
  }

  private union(patterns: Iterable<string>, table = this.grants): Set<string> {
    const out = new Set<string>();
    for (const p of patterns) for (const s of table.get(p) ?? EMPTY) out.add(s);
    return out;
  }

  private refuseWrites(entries: [string, ReadonlySet<string>][], field: string): void {
    const offending: Record<string, string[]> = {};
    for (const [name, scopes] of entries) {
      const writes = this.scopeNames.filter((s) => scopes.has(s) && !isRead(s));
      if (writes.length) offending[name] = writes;
    }
    const names = Object.keys(offending);
    if (!names.length) return;
    const writeScopes = [...new Set(Object.values(offending).flat())];
    throw badInput(
      `A publishable key may hold read scopes only; ${names.map((n) => `"${n}"`).join(', ')} in ${field} ` +
        `grant${names.length === 1 ? 's' : ''} ${writeScopes.join(', ')}. Use a secret key for writes.`,
      { field, writeScopes, offending },
    );
  }
}

function isPermissionInput(arg: PermissionInput | Iterable<string>): arg is PermissionInput {
  return typeof arg === 'object' && arg !== null && 'keyType' in arg && 'policies' in arg;
}

function unknownNames(kind: string, unknown: string[], valid: string[], field: string, key: string) {
  const suggestions = Object.fromEntries(unknown.map((u) => [u, suggest(u, valid)]));
  const quoted = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');
  const hints = unknown
    .filter((u) => suggestions[u].length)
    .map((u) => (unknown.length === 1 ? quoted(suggestions[u]) : `${quoted(suggestions[u])} for "${u}"`));
  const message =
    `Unknown ${kind}${unknown.length > 1 ? 's' : ''} ${quoted(unknown)} in ${field}.` +
    (hints.length ? ` Did you mean ${hints.join('; ')}?` : ` See the ${kind === 'scope' ? 'scopes' : 'scopeBundles'} query for valid names.`);
  return badInput(message, { field, [key]: unknown, suggestions });
}

/**
 * Up to three valid names close to `input`: within an edit distance of a quarter
 * of the name (at least 2), and no more than one edit worse than the best match,
 * so `bookings:reed` finds `bookings:read` alone rather than every bookings scope,
 * and `zzz` suggests nothing rather than something random.
 */
export function suggest(input: string, candidates: readonly string[]): string[] {
  const wanted = input.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const close = candidates
    .map((name, index) => ({ name, index, distance: levenshtein(wanted, name) }))
    .filter((c) => c.distance <= limit && c.name !== input)
    .sort((a, b) => a.distance - b.distance || a.index - b.index);
  return close
    .filter((c) => c.distance <= close[0].distance + 1)
    .slice(0, 3)
    .map((c) => c.name);
}

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

let defaultEngine: ScopeEngine | undefined;

/** The engine over `schema/scope-catalog.json`, built once per process. */
export function defaultScopeEngine(): ScopeEngine {
  return (defaultEngine ??= new ScopeEngine(defaultCatalog()));
}

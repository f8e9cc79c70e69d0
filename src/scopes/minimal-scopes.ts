/**
 * The smallest scope list that satisfies a set of requirements (issue 9): what
 * `requiredScopes` reports as `minimalScopes`, and what `scopeUsage` suggests.
 * Pure: it sees requirements in DNF (`anyOf`) and what each scope grants, nothing else.
 *
 * "Smallest" is least privilege, in this order:
 *
 * 1. the fewest catalog scopes granted once implications are expanded. For
 *    `createBooking { booking { id } }` (bookings:create, then bookings:read) that
 *    is `bookings:create, bookings:read` (2), not `bookings:write` (5: it also
 *    grants update and delete). `admin` grants everything, so it is chosen only
 *    when a requirement names it;
 * 2. then the fewest names (`bookings:write` alone rather than it plus the
 *    `bookings:read` it implies);
 * 3. then, given `held`, the answer the caller already holds the most of, so an
 *    operation the caller can run never reports a missing scope just because
 *    another, equally small, alternative sorts first;
 * 4. then alphabetically, so the answer is the same on every run.
 *
 * Why this suffices: call C the closure (everything granted) of a set S. S
 * satisfies a requirement when one of its alternatives lies inside C. Among all
 * sets whose closure contains the chosen alternatives' scopes U, the closure of U
 * itself is the least, so the search is only over which alternative each
 * requirement uses; the answer is then the unique irredundant basis of that
 * closure (its scopes no other scope of it implies).
 */
import type { ScopeAlternatives } from './types';

export interface MinimalScopeOptions {
  /** What holding a scope grants (ScopeEngine.expandGrant); the scope itself always counts. */
  readonly grants: (scope: string) => ReadonlySet<string>;
  /** What the caller holds (its effective scopes); breaks ties in its favour. */
  readonly held?: (scope: string) => boolean;
  /** Order of the answer, e.g. the catalog's; alphabetical when omitted or for names it lacks. */
  readonly order?: readonly string[];
  /** Search steps before the greedy fallback; the default is far above any real operation's need. */
  readonly budget?: number;
}

export interface MinimalScopeResult {
  readonly scopes: string[];
  /** False when the search hit its budget and the answer came from the greedy fallback (still valid, maybe not least). */
  readonly exact: boolean;
}

const DEFAULT_BUDGET = 20_000;

interface Candidate {
  readonly granted: number;
  readonly basis: readonly string[];
  readonly missing: number;
}

export function minimalScopes(requirements: Iterable<ScopeAlternatives>, options: MinimalScopeOptions): MinimalScopeResult {
  const closures = new Map<string, ReadonlySet<string>>();
  const closureOf = (scope: string): ReadonlySet<string> => {
    let closure = closures.get(scope);
    if (!closure) closures.set(scope, (closure = new Set([scope, ...options.grants(scope)])));
    return closure;
  };
  const held = options.held ?? (() => false);

  // Normalized (each alternative sorted and deduplicated) and deduplicated, so
  // the hundred fields of a large query that all need bookings:read are one.
  const distinct = new Map<string, string[][]>();
  for (const anyOf of requirements) {
    const alternatives = anyOf.map((alternative) => [...new Set(alternative)].sort());
    if (alternatives.length === 0) continue;
    alternatives.sort((a, b) => compareLists(a, b));
    distinct.set(alternatives.map((a) => a.join(' ')).join(' | '), alternatives);
  }

  // A requirement with one alternative leaves no choice: start from all of them.
  const start = new Set<string>();
  const open: string[][][] = [];
  for (const alternatives of distinct.values()) {
    if (alternatives.length === 1) for (const scope of alternatives[0]!) for (const s of closureOf(scope)) start.add(s);
    else open.push(alternatives);
  }
  // Fewest alternatives first: small branching near the root prunes best.
  open.sort((a, b) => a.length - b.length || compareLists(a.flat(), b.flat()));

  const satisfied = (alternatives: readonly string[][], closure: ReadonlySet<string>) =>
    alternatives.some((alternative) => alternative.every((scope) => closure.has(scope)));
  const extend = (closure: ReadonlySet<string>, alternative: readonly string[]): Set<string> => {
    const next = new Set(closure);
    for (const scope of alternative) for (const s of closureOf(scope)) next.add(s);
    return next;
  };
  const candidate = (closure: ReadonlySet<string>): Candidate => {
    const basis = basisOf(closure, closureOf);
    return { granted: closure.size, basis, missing: basis.filter((scope) => !held(scope)).length };
  };

  let best: Candidate | undefined;
  let steps = 0;
  const budget = options.budget ?? DEFAULT_BUDGET;
  let exhausted = false;

  const search = (from: number, closure: ReadonlySet<string>): void => {
    if (exhausted) return;
    if (++steps > budget) {
      exhausted = true;
      return;
    }
    // The closure only grows further down, so a larger one can never win.
    if (best && closure.size > best.granted) return;
    let i = from;
    while (i < open.length && satisfied(open[i]!, closure)) i++;
    if (i === open.length) {
      const found = candidate(closure);
      if (!best || better(found, best)) best = found;
      return;
    }
    const branches = open[i]!
      .map((alternative) => ({ alternative, next: extend(closure, alternative) }))
      .sort((a, b) => a.next.size - b.next.size || compareLists(a.alternative, b.alternative));
    for (const { next } of branches) search(i + 1, next);
  };
  search(0, start);

  if (exhausted) {
    // Greedy fallback for a pathological operation (thousands of distinct anyOf
    // requirements): each unsatisfied requirement takes the alternative that adds
    // the least, preferring what the caller holds. Valid, not necessarily least.
    let closure: ReadonlySet<string> = start;
    for (const alternatives of open) {
      if (satisfied(alternatives, closure)) continue;
      const [choice] = alternatives
        .map((alternative) => ({ alternative, next: extend(closure, alternative) }))
        .sort(
          (a, b) =>
            a.next.size - b.next.size ||
            a.alternative.filter((s) => !held(s)).length - b.alternative.filter((s) => !held(s)).length ||
            compareLists(a.alternative, b.alternative),
        );
      closure = choice!.next;
    }
    const greedy = candidate(closure);
    if (!best || better(greedy, best)) best = greedy;
  }

  return { scopes: present(best?.basis ?? [], options.order), exact: !exhausted };
}

/**
 * The scopes of a closed set that no other scope of it implies: the fewest names
 * that grant exactly that set. Taken from the widest grant down, so a scope is
 * kept only if nothing kept so far grants it (cycles keep their first name).
 */
function basisOf(closure: ReadonlySet<string>, closureOf: (scope: string) => ReadonlySet<string>): string[] {
  const ordered = [...closure].sort((a, b) => closureOf(b).size - closureOf(a).size || (a < b ? -1 : a > b ? 1 : 0));
  const covered = new Set<string>();
  const basis: string[] = [];
  for (const scope of ordered) {
    if (covered.has(scope)) continue;
    basis.push(scope);
    for (const s of closureOf(scope)) covered.add(s);
  }
  return basis.sort();
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.granted !== b.granted) return a.granted < b.granted;
  if (a.basis.length !== b.basis.length) return a.basis.length < b.basis.length;
  if (a.missing !== b.missing) return a.missing < b.missing;
  return compareLists(a.basis, b.basis) < 0;
}

function compareLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** In `order` (the catalog's, say), unknown names last and alphabetical. */
function present(scopes: readonly string[], order: readonly string[] | undefined): string[] {
  if (!order) return [...scopes];
  const rank = new Map(order.map((name, i) => [name, i] as const));
  return [...scopes].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
}

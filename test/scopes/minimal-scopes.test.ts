import { defaultCatalog } from '../../src/scopes/catalog';
import { ScopeEngine } from '../../src/scopes/engine';
import { minimalScopes, type MinimalScopeOptions } from '../../src/scopes/minimal-scopes';
import type { ScopeAlternatives } from '../../src/scopes/types';

const engine = new ScopeEngine(defaultCatalog());
const grants = (scope: string) => engine.expandGrant(scope);
const all = (...scopes: string[]): ScopeAlternatives => [scopes];
const anyOf = (...alternatives: string[][]): ScopeAlternatives => alternatives;
const minimal = (requirements: ScopeAlternatives[], options: Partial<MinimalScopeOptions> = {}) =>
  minimalScopes(requirements, { grants, ...options }).scopes;

describe('minimalScopes', () => {
  it('is empty when nothing is required', () => {
    expect(minimalScopes([], { grants })).toEqual({ scopes: [], exact: true });
  });

  it('names each required scope once', () => {
    expect(minimal([all('bookings:read'), all('bookings:read'), all('customers:read')])).toEqual(['bookings:read', 'customers:read']);
  });

  it('prefers the fine-grained scopes to a compound one that grants more', () => {
    // bookings:write would also grant update and delete.
    expect(minimal([all('bookings:create'), all('bookings:read'), all('customers:read')])).toEqual([
      'bookings:create',
      'bookings:read',
      'customers:read',
    ]);
  });

  it('drops a scope that another required scope implies', () => {
    expect(minimal([all('bookings:write'), all('bookings:read'), all('bookings:delete')])).toEqual(['bookings:write']);
    expect(minimal([all('webhooks.deliveries:read'), all('webhooks.deliveries:retry')])).toEqual(['webhooks.deliveries:retry']);
  });

  it('never picks admin unless a requirement names it', () => {
    const reads = ['products:read', 'customers:read', 'bookings:read', 'reports:read', 'keys:read', 'audit:read'];
    expect(minimal(reads.map((scope) => all(scope)))).toEqual([...reads].sort());
    expect(minimal([all('admin'), all('bookings:read')])).toEqual(['admin']);
  });

  it('picks the alternative that grants least', () => {
    expect(minimal([anyOf(['customers:read', 'bookings:read'], ['reports:read'])])).toEqual(['reports:read']);
    expect(minimal([anyOf(['bookings:write'], ['bookings:create', 'bookings:read'])])).toEqual(['bookings:create', 'bookings:read']);
  });

  it('uses an alternative that the other requirements already satisfy', () => {
    expect(minimal([all('customers:read'), anyOf(['reports:read'], ['customers:read'])])).toEqual(['customers:read']);
    // bookings:write, forced by the first, grants bookings:read.
    expect(minimal([all('bookings:write'), anyOf(['keys:read'], ['bookings:read'])])).toEqual(['bookings:write']);
  });

  it('shares one scope between anyOf requirements when it can', () => {
    const requirements = [anyOf(['products:read'], ['reports:read']), anyOf(['customers:read'], ['reports:read'])];
    expect(minimal(requirements)).toEqual(['reports:read']);
  });

  it('breaks ties alphabetically, or in favour of what the caller holds', () => {
    const requirement = anyOf(['reports:read'], ['bookings:read']);
    expect(minimal([requirement])).toEqual(['bookings:read']);
    expect(minimal([requirement], { held: (scope) => scope === 'reports:read' })).toEqual(['reports:read']);
    // Held scopes count only between answers that grant as little: least privilege comes first.
    expect(minimal([anyOf(['reports:read'], ['bookings:write'])], { held: (scope) => scope === 'bookings:write' })).toEqual(['reports:read']);
  });

  it('lists the answer in the order given', () => {
    expect(minimal([all('bookings:read'), all('products:read')], { order: engine.scopeNames })).toEqual(['products:read', 'bookings:read']);
  });

  it('falls back to a valid greedy answer when the search runs out of budget, and says so', () => {
    const requirements = [anyOf(['products:read'], ['reports:read']), anyOf(['customers:read'], ['reports:read']), anyOf(['keys:read'], ['audit:read'])];
    const result = minimalScopes(requirements, { grants, budget: 1 });
    expect(result.exact).toBe(false);
    expect(satisfies(result.scopes, requirements)).toBe(true);
  });

  it('matches a brute-force search on random requirements', () => {
    const scopes = engine.scopeNames;
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      // Scopes from a small pool so requirements overlap, as a real operation's do.
      const pool = Array.from({ length: 6 }, () => scopes[random(scopes.length)]!);
      const requirements = Array.from({ length: 1 + random(4) }, () =>
        Array.from({ length: 1 + random(3) }, () => Array.from({ length: 1 + random(2) }, () => pool[random(pool.length)]!)),
      );
      const held = new Set(pool.filter(() => random(2) === 0));
      const result = minimalScopes(requirements, { grants, held: (s) => held.has(s) });
      expect(result.exact).toBe(true);
      expect(result.scopes).toEqual(bruteForce(requirements, held));
    }
  });
});

function closureOf(scopes: Iterable<string>): Set<string> {
  const closure = new Set<string>();
  for (const scope of scopes) for (const s of [scope, ...grants(scope)]) closure.add(s);
  return closure;
}

function satisfies(scopes: readonly string[], requirements: ScopeAlternatives[]): boolean {
  const closure = closureOf(scopes);
  return requirements.every((r) => r.some((alternative) => alternative.every((s) => closure.has(s))));
}

/** Every subset of the catalog scopes the requirements mention (plus admin), ranked by the documented rule. */
function bruteForce(requirements: ScopeAlternatives[], held: ReadonlySet<string>): string[] {
  const universe = [...new Set([...requirements.flat(2), 'admin'])].sort();
  let best: { scopes: string[]; rank: (number | string)[] } | undefined;
  for (let mask = 0; mask < 1 << universe.length; mask++) {
    const scopes = universe.filter((_, i) => mask & (1 << i));
    if (!satisfies(scopes, requirements)) continue;
    const closure = closureOf(scopes);
    // Only irredundant sets: a scope another one of the set implies is never listed.
    if (scopes.some((s) => closureOf(scopes.filter((t) => t !== s)).has(s))) continue;
    const rank = [closure.size, scopes.length, scopes.filter((s) => !held.has(s)).length, scopes.join(' ')];
    if (!best || compare(rank, best.rank) < 0) best = { scopes, rank };
  }
  return best!.scopes;
}

function compare(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

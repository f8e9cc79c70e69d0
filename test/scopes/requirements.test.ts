import { EffectivePermissions, ScopeEngine, loadScopeCatalog } from '../../src/scopes';
import type { PermissionInput, PolicyGrant } from '../../src/scopes';

const catalog = loadScopeCatalog();
const engine = new ScopeEngine(catalog);

describe('compile', () => {
  it('gives each requirement a new id and freezes it', () => {
    const a = engine.compile([['bookings:read']], 'Query.bookings');
    const b = new ScopeEngine(catalog).compile([['bookings:read']], 'Query.bookings');
    expect(b.id).toBeGreaterThan(a.id);
    expect(a.anyOf).toEqual([['bookings:read']]);
    expect(Object.isFrozen(a.anyOf[0])).toBe(true);
  });

  it.each([
    [[['bookings:reed']], /Query\.x: "bookings:reed" is not in the scope catalog\. Did you mean "bookings:read"/],
    [[['bookings:*']], /Query\.x: "bookings:\*" is a wildcard/],
    [[['bookings:read'], ['nope:read']], /"nope:read" is not in the scope catalog/],
    [[], /empty scope list/],
    [[[]], /empty scope list/],
  ])('rejects %j', (anyOf, message) => {
    expect(() => engine.compile(anyOf, 'Query.x')).toThrow(message);
  });

  it('accepts admin as a concrete scope', () => {
    expect(() => engine.compile([['admin']], 'Mutation.x')).not.toThrow();
  });
});

describe('allows / missing on anyOf requirements', () => {
  const req = engine.compile([['customers:read', 'bookings:read'], ['reports:read']], 'Query.r');
  const perms = (...scopes: string[]) => engine.permissionsFor({ keyType: 'SECRET', scopes, bundles: [], policies: [] });

  it.each<[string[], boolean, string[]]>([
    [['customers:read', 'bookings:read'], true, []],
    [['reports:read'], true, []],
    [['customers:read', 'bookings:write'], true, []],
    [['bookings:write'], false, ['customers:read']], // a tie: the first alternative
    [['customers:write'], false, ['bookings:read']],
    [['products:read'], false, ['reports:read']],
    [['customers:read'], false, ['bookings:read']],
    [[], false, ['reports:read']],
    [['admin'], true, []],
  ])('%j → allows=%s missing=%j', (scopes, allowed, missing) => {
    const p = perms(...scopes);
    expect(p.allows(req)).toBe(allowed);
    expect(p.allows(req)).toBe(allowed); // memoized path
    expect(p.missing(req)).toEqual(missing);
  });

  it('memoizes by requirement id', () => {
    const p = perms('customers:read');
    const has = jest.spyOn(p.scopes, 'has');
    p.allows(req);
    const calls = has.mock.calls.length;
    for (let i = 0; i < 5; i++) p.allows(req);
    expect(has.mock.calls.length).toBe(calls);
  });

  it('has, lacking and list', () => {
    const p = perms('customers:write');
    expect(p.has('customers:delete')).toBe(true);
    expect(p.has('bookings:read')).toBe(false);
    expect(p.lacking(['bookings:read', 'customers:read', 'bookings:read'])).toEqual(['bookings:read']);
    expect(p.list()).toEqual(['customers:read', 'customers:write', 'customers:create', 'customers:update', 'customers:delete']);
    p.list().pop();
    expect(p.list()).toHaveLength(5);
  });

  it('can be built directly', () => {
    expect(new EffectivePermissions(['b', 'a'], ['a', 'b']).list()).toEqual(['a', 'b']);
  });
});

describe('property: a deny always wins', () => {
  // A small seeded generator so a failure reproduces.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[], max: number): T[] => Array.from({ length: Math.floor(random() * (max + 1)) }, () => xs[Math.floor(random() * xs.length)]);
  const patterns = [
    ...catalog.scopes.map((s) => s.name),
    'products:*', 'customers:*', 'bookings:*', 'webhooks:*', 'webhooks.deliveries:*', 'keys:*', 'audit:*', 'admin', 'unknown:read',
  ];
  const bundles = [...catalog.bundles.map((b) => b.name), 'gone'];

  it('effective ⊆ grants and effective ∩ denies = ∅ for random inputs', () => {
    for (let i = 0; i < 500; i++) {
      const policies: PolicyGrant[] = pick(['ALLOW', 'DENY'] as const, 3).map((mode) => ({ mode, scopes: pick(patterns, 3) }));
      const input: PermissionInput = {
        keyType: random() < 0.2 ? 'PUBLISHABLE' : 'SECRET',
        scopes: pick(patterns, 4),
        bundles: pick(bundles, 2),
        policies,
      };
      const grants = engine.grantsOf(input);
      const denies = new Set(policies.filter((p) => p.mode === 'DENY').flatMap((p) => p.scopes.flatMap((s) => [...engine.expandDeny(s)])));
      const effective = engine.permissionsFor(input).list();
      for (const scope of effective) {
        expect(grants.has(scope)).toBe(true);
        expect(denies.has(scope)).toBe(false);
        if (input.keyType === 'PUBLISHABLE') expect(scope.endsWith(':read')).toBe(true);
      }
    }
  });
});

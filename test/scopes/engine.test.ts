import { AppError } from '../../src/errors';
import { ScopeEngine, defaultScopeEngine, loadScopeCatalog } from '../../src/scopes';
import type { PermissionInput, PolicyGrant, ScopeCatalog } from '../../src/scopes';

const catalog = loadScopeCatalog();
const engine = new ScopeEngine(catalog);
const ALL = catalog.scopes.map((s) => s.name);
const NON_ADMIN = ALL.filter((s) => s !== 'admin');
const under = (...resources: string[]) => ALL.filter((s) => resources.some((r) => s.startsWith(`${r}:`)));
const without = (all: string[], ...removed: string[][]) => all.filter((s) => !removed.flat().includes(s));

const key = (over: Partial<PermissionInput>): PermissionInput => ({
  keyType: 'SECRET',
  scopes: [],
  bundles: [],
  policies: [],
  ...over,
});
const allow = (...scopes: string[]): PolicyGrant => ({ mode: 'ALLOW', scopes });
const deny = (...scopes: string[]): PolicyGrant => ({ mode: 'DENY', scopes });
const effective = (input: Partial<PermissionInput>, using = engine) => using.permissionsFor(key(input)).list();
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('effective scopes (contract §1)', () => {
  it.each<[string, Partial<PermissionInput>, string[]]>([
    ['a plain scope is just itself', { scopes: ['customers:read'] }, ['customers:read']],
    [
      'write implies read and create/update/delete',
      { scopes: ['customers:write'] },
      ['customers:read', 'customers:write', 'customers:create', 'customers:update', 'customers:delete'],
    ],
    ['webhooks:write implies only webhooks:read', { scopes: ['webhooks:write'] }, ['webhooks:read', 'webhooks:write']],
    ['retry implies deliveries:read', { scopes: ['webhooks.deliveries:retry'] }, ['webhooks.deliveries:read', 'webhooks.deliveries:retry']],
    ['R:* covers every action on R', { scopes: ['products:*'] }, under('products')],
    ['R:* covers sub-resources', { scopes: ['webhooks:*'] }, under('webhooks', 'webhooks.deliveries')],
    ['a sub-resource wildcard stays on it', { scopes: ['webhooks.deliveries:*'] }, under('webhooks.deliveries')],
    ['a wildcard respects segment boundaries (web:* is unknown)', { scopes: ['web:*'] }, []],
    ['admin grants everything', { scopes: ['admin'] }, ALL],
    ['a bundle expands', { bundles: ['accounting_sync'] }, ['products:read', 'customers:read', 'bookings:read', 'reports:read']],
    ['a bundle with wildcards is every non-admin scope', { bundles: ['full'] }, NON_ADMIN],
    ['a bundle entry gets its implications', { bundles: ['webhook_manager'] }, under('webhooks', 'webhooks.deliveries')],
    ['an ALLOW policy grants its scopes', { policies: [allow('bookings:write')] }, under('bookings')],
    ['a DENY policy grants every non-admin scope but those listed', { policies: [deny('keys:*', 'audit:read')] }, without(NON_ADMIN, under('keys', 'audit'))],
    ['several policies union', { policies: [allow('reports:read'), allow('products:read')] }, ['products:read', 'reports:read']],
    ['scopes, bundles and policies union', { scopes: ['audit:read'], bundles: ['booking_widget'], policies: [allow('keys:read')] }, ['products:read', 'keys:read', 'audit:read']],
    // A partly denied compound scope is dropped too: customers:write no longer stands.
    ['deny beats a wildcard', { scopes: ['customers:*'], policies: [deny('customers:delete')] }, without(NON_ADMIN, ['customers:delete', 'customers:write'])],
    [
      'deny beats an implication',
      { scopes: ['customers:write'], policies: [allow('customers:write'), { mode: 'DENY', scopes: ['customers:delete', ...NON_ADMIN.filter((s) => !s.startsWith('customers:'))] }] },
      ['customers:read', 'customers:create', 'customers:update'],
    ],
    ['deny beats admin-derived grants (and admin itself no longer stands)', { scopes: ['admin'], policies: [deny('customers:*')] }, without(ALL, [...under('customers'), 'admin'])],
    ['deny of admin removes only admin', { scopes: ['admin'], policies: [deny('admin')] }, NON_ADMIN],
    ['deny beats a bundle', { bundles: ['read_only'], policies: [deny(...NON_ADMIN.filter((s) => s !== 'reports:read'), 'reports:read')] }, []],
    ['denying a write keeps the read', { scopes: ['customers:write'], policies: [deny('customers:write')] }, without(NON_ADMIN, ['customers:write', 'customers:create', 'customers:update', 'customers:delete'])],
    ['denying a read takes it', { scopes: ['customers:write'], policies: [deny('customers:read')] }, without(NON_ADMIN, ['customers:read'])],
    ['denying a wildcard of a sub-resource', { scopes: ['webhooks:*'], policies: [deny('webhooks.deliveries:*')] }, without(NON_ADMIN, under('webhooks.deliveries'))],
    ['a publishable key with a write scope gets only reads', { keyType: 'PUBLISHABLE', scopes: ['products:write', 'bookings:*'] }, ['products:read', 'bookings:read']],
    ['a publishable key with admin gets only reads', { keyType: 'PUBLISHABLE', scopes: ['admin'] }, ALL.filter((s) => s.endsWith(':read'))],
    ['unknown names are ignored, not thrown', { scopes: ['nope:read', 'bookings:reed'], bundles: ['gone'], policies: [allow('x:*')] }, []],
  ])('%s', (_name, input, expected) => {
    expect(sorted(effective(input))).toEqual(sorted(expected));
  });

  it('lists effective scopes in catalog order', () => {
    expect(effective({ scopes: ['reports:read', 'products:read', 'admin'] })).toEqual(ALL);
    expect(effective({ scopes: ['reports:read', 'products:read'] })).toEqual(['products:read', 'reports:read']);
  });

  it('editing a bundle changes every key that uses it', () => {
    const edited: ScopeCatalog = {
      ...catalog,
      bundles: catalog.bundles.map((b) => (b.name === 'booking_widget' ? { ...b, scopes: [...b.scopes, 'bookings:create'] } : b)),
    };
    const input = { bundles: ['booking_widget'] };
    expect(effective(input)).toEqual(['products:read']);
    expect(effective(input, new ScopeEngine(edited))).toEqual(['products:read', 'bookings:create']);
  });

  it('grantsOf ignores denies and key type', () => {
    const input = key({ keyType: 'PUBLISHABLE', scopes: ['customers:write'], policies: [deny('customers:delete')] });
    expect(sorted(engine.grantsOf(input))).toEqual(NON_ADMIN.slice().sort());
  });

  it('exposes its catalog', () => expect(engine.catalog).toBe(catalog));

  it('defaultScopeEngine is built once over the real catalog', () => {
    expect(defaultScopeEngine()).toBe(defaultScopeEngine());
    expect(defaultScopeEngine().scopeNames).toEqual(ALL);
  });
});

describe('expandGrant / expandDeny', () => {
  it.each([
    ['webhooks:*', under('webhooks', 'webhooks.deliveries')],
    ['customers:write', ['customers:read', 'customers:write', 'customers:create', 'customers:update', 'customers:delete']],
    ['admin', ALL],
    ['web:*', []],
  ])('grant %s', (pattern, expected) => expect(sorted(engine.expandGrant(pattern))).toEqual(sorted(expected)));

  it.each([
    ['customers:write', ['customers:write', 'customers:create', 'customers:update', 'customers:delete']],
    ['webhooks.deliveries:retry', ['webhooks.deliveries:retry']],
    ['customers:read', ['customers:read']],
    ['admin', ['admin']],
    ['webhooks:*', under('webhooks', 'webhooks.deliveries')],
  ])('deny %s', (pattern, expected) => expect(sorted(engine.expandDeny(pattern))).toEqual(sorted(expected)));
});

function badInputOf(fn: () => void): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return error as AppError;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('validation at write time', () => {
  it('accepts catalog scopes, wildcards over known resources and admin', () => {
    expect(() => engine.assertValidScopes(['bookings:read', 'webhooks:*', 'webhooks.deliveries:*', 'admin'], 'scopes')).not.toThrow();
  });

  it('names an unknown scope with the closest valid names', () => {
    const error = badInputOf(() => engine.assertValidScopes(['bookings:reed', 'products:read'], 'scopes'));
    expect(error.message).toBe('Unknown scope "bookings:reed" in scopes. Did you mean "bookings:read"?');
    expect(error.extensions).toMatchObject({ field: 'scopes', unknownScopes: ['bookings:reed'], suggestions: { 'bookings:reed': ['bookings:read'] } });
  });

  it.each([
    ['booking:write', 'bookings:write'],
    ['Customers:Read', 'customers:read'],
    ['webhook:*', 'webhooks:*'],
    ['admn', 'admin'],
  ])('suggests for %s', (typo, first) => {
    const error = badInputOf(() => engine.assertValidScopes([typo], 'input.scopes'));
    const suggestions = (error.extensions.suggestions as Record<string, string[]>)[typo];
    expect(suggestions[0]).toBe(first);
    expect(suggestions.length).toBeLessThanOrEqual(3);
  });

  it('reports every unknown scope, and suggests nothing far-fetched', () => {
    const error = badInputOf(() => engine.assertValidScopes(['zzzzzz', 'web:*', 'products:reed'], 'scopes'));
    expect(error.extensions.unknownScopes).toEqual(['zzzzzz', 'web:*', 'products:reed']);
    expect((error.extensions.suggestions as Record<string, string[]>).zzzzzz).toEqual([]);
    expect(error.message).toContain('"products:read" for "products:reed"');
  });

  it('names an unknown bundle', () => {
    const error = badInputOf(() => engine.assertValidBundles(['read_onyl'], 'bundles'));
    expect(error.message).toBe('Unknown bundle "read_onyl" in bundles. Did you mean "read_only"?');
    expect(error.extensions).toMatchObject({ field: 'bundles', unknownBundles: ['read_onyl'] });
    expect(() => engine.assertValidBundles(['full', 'booking_widget'], 'bundles')).not.toThrow();
  });

  it.each([['products:write'], ['products:*'], ['admin'], ['webhooks.deliveries:retry']])('refuses %s on a publishable key', (pattern) => {
    const error = badInputOf(() => engine.assertReadOnly(['products:read', pattern], 'scopes'));
    expect(error.message).toContain(`"${pattern}"`);
    expect(error.extensions.writeScopes).not.toContain('products:read');
    expect((error.extensions.writeScopes as string[]).length).toBeGreaterThan(0);
  });

  it('accepts read scopes and read-only bundles on a publishable key', () => {
    expect(() => engine.assertReadOnly(['products:read', 'webhooks.deliveries:read'], 'scopes')).not.toThrow();
    expect(() => engine.assertReadOnlyBundles(['booking_widget', 'read_only'], 'bundles')).not.toThrow();
    const error = badInputOf(() => engine.assertReadOnlyBundles(['booking_agent'], 'bundles'));
    expect(error.extensions.offending).toHaveProperty('booking_agent');
  });

  it.each<[string, Partial<PermissionInput>, string | undefined]>([
    ['read scopes, a read-only bundle and a read ALLOW policy', { scopes: ['products:read'], bundles: ['booking_widget'], policies: [allow('reports:read')] }, undefined],
    ['a write scope', { scopes: ['products:read', 'customers:write'] }, 'customers:write'],
    ['a write bundle', { bundles: ['booking_agent'] }, 'booking_agent'],
    ['a write ALLOW policy', { policies: [allow('bookings:*')] }, 'ALLOW policy #1'],
    ['a DENY-mode policy (grants every write it does not list)', { policies: [deny('customers:*')] }, 'DENY policy #1'],
    ['writes a DENY policy takes back (checked on grants minus denies)', { scopes: ['customers:write'], policies: [deny(...NON_ADMIN.filter((s) => !s.endsWith(':read')))] }, undefined],
  ])('assertReadOnly(input): %s', (_name, input, culprit) => {
    const check = () => engine.assertReadOnly(key({ ...input, keyType: 'PUBLISHABLE' }));
    if (culprit === undefined) return expect(check).not.toThrow();
    expect(badInputOf(check).extensions.offending).toHaveProperty([culprit]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCatalog, loadScopeCatalog } from '../../src/scopes';

const good = () => ({
  categories: ['Catalog', 'Webhooks', 'Administration'],
  scopes: [
    { name: 'products:read', category: 'Catalog', description: 'Read products.' },
    { name: 'products:write', category: 'Catalog', description: 'Write products.', implies: ['products:read'] },
    { name: 'webhooks.deliveries:read', category: 'Webhooks', description: 'Read deliveries.' },
    { name: 'admin', category: 'Administration', description: 'Everything.' },
  ],
  bundles: [{ name: 'widget', description: 'Widget.', scopes: ['products:read', 'webhooks:*', 'admin'] }],
});
type Raw = ReturnType<typeof good>;

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'scope-catalog-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(content: unknown): string {
  const path = join(dir, `catalog-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('loadScopeCatalog', () => {
  it('loads the real catalog and defaults implies to []', () => {
    const catalog = loadScopeCatalog();
    expect(catalog.scopes.find((s) => s.name === 'products:read')?.implies).toEqual([]);
    expect(catalog.bundles.map((b) => b.name)).toContain('booking_widget');
  });

  it('memoizes and freezes the default catalog', () => {
    expect(defaultCatalog()).toBe(defaultCatalog());
    expect(Object.isFrozen(defaultCatalog().scopes[0])).toBe(true);
  });

  it('accepts a wildcard over a prefix that only has sub-resources', () => {
    expect(() => loadScopeCatalog(write(good()))).not.toThrow();
  });

  it.each<[string, (c: Raw) => void, RegExp]>([
    ['a bad scope name', (c) => (c.scopes[0].name = 'Products:read'), /scopes\[0\].*"Products:read" is not a scope name/],
    ['a name without action', (c) => (c.scopes[0].name = 'products'), /"products" is not a scope name/],
    ['an unlisted category', (c) => (c.scopes[1].category = 'Shop'), /scopes\[1\] \("products:write"\)\.category: .*"Shop"/],
    ['a duplicate scope', (c) => c.scopes.push({ ...c.scopes[0] }), /duplicate scope "products:read"/],
    ['an unknown implication', (c) => (c.scopes[1].implies = ['products:reed']), /"products:write" implies unknown scope "products:reed"/],
    ['an unknown bundle scope', (c) => c.bundles[0].scopes.push('bookings:read'), /bundle "widget" names unknown scope "bookings:read"/],
    ['a wildcard over an unknown resource', (c) => c.bundles[0].scopes.push('prod:*'), /bundle "widget" names unknown scope "prod:\*"/],
    ['a wildcard across a segment boundary', (c) => c.bundles[0].scopes.push('web:*'), /unknown scope "web:\*"/],
    ['a duplicate bundle', (c) => c.bundles.push({ ...c.bundles[0] }), /duplicate bundle "widget"/],
    ['a misspelt key', (c) => Object.assign(c.scopes[1], { implise: [] }), /scopes\[1\] \("products:write"\).*implise/],
    ['a missing description', (c) => delete (c.scopes[0] as { description?: string }).description, /scopes\[0\] \("products:read"\)\.description/],
  ])('rejects %s, naming the entry', (_name, breakIt, message) => {
    const raw = good();
    breakIt(raw);
    expect(() => loadScopeCatalog(write(raw))).toThrow(message);
  });

  it('rejects unreadable JSON with the path', () => {
    const path = write('{ nope');
    expect(() => loadScopeCatalog(path)).toThrow(path);
  });
});

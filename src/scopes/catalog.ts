import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { catalogPath } from '../paths';
import type { ScopeCatalog } from './types';

/**
 * Loading and validating `schema/scope-catalog.json`, the one list every other
 * scope list is derived from (contract §1). A bad catalog must stop start-up with
 * a message that points at the entry to fix, never half-load: a typo here would
 * silently widen or narrow what every key may do.
 */

const SCOPE_NAME = /^[a-z]+(\.[a-z]+)*:[a-z]+$/;
const BUNDLE_NAME = /^[a-z][a-z0-9_]*$/;

const scopeName = z.string().refine((name) => name === 'admin' || SCOPE_NAME.test(name), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a scope name (want resource:action, e.g. "webhooks.deliveries:read", or "admin")`,
});

// Entries are strict objects: a misspelt key such as "implise" would otherwise be
// dropped without a word, and the scope would quietly lose its implications.
const catalogScope = z.strictObject({
  name: scopeName,
  description: z.string().min(1),
  category: z.string().min(1),
  implies: z.array(z.string()).default([]),
});

const scopeBundle = z.strictObject({
  name: z.string().regex(BUNDLE_NAME, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a bundle name (want lower_snake_case)`,
  }),
  description: z.string().min(1),
  scopes: z.array(z.string()).min(1),
});

const catalogSchema = z
  .object({
    categories: z.array(z.string().min(1)).min(1),
    scopes: z.array(catalogScope).min(1),
    bundles: z.array(scopeBundle).default([]),
  })
  .superRefine((catalog, ctx) => {
    const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

    const categories = new Set<string>();
    catalog.categories.forEach((category, i) => {
      if (categories.has(category)) fail(['categories', i], `duplicate category "${category}"`);
      categories.add(category);
    });

    const names = new Set<string>();
    catalog.scopes.forEach((scope, i) => {
      if (names.has(scope.name)) fail(['scopes', i, 'name'], `duplicate scope "${scope.name}"`);
      names.add(scope.name);
      if (!categories.has(scope.category)) {
        fail(['scopes', i, 'category'], `scope "${scope.name}" has category "${scope.category}", which is not listed in categories`);
      }
    });

    catalog.scopes.forEach((scope, i) => {
      scope.implies.forEach((implied, j) => {
        if (!names.has(implied)) fail(['scopes', i, 'implies', j], `scope "${scope.name}" implies unknown scope "${implied}"`);
      });
    });

    const resources = [...names].filter((n) => n !== 'admin').map((n) => n.slice(0, n.lastIndexOf(':')));
    const isPattern = (pattern: string): boolean => {
      if (pattern === 'admin' || names.has(pattern)) return true;
      if (!pattern.endsWith(':*')) return false;
      const prefix = pattern.slice(0, -2);
      return resources.some((r) => r === prefix || r.startsWith(`${prefix}.`));
    };
    const bundles = new Set<string>();
    catalog.bundles.forEach((bundle, i) => {
      if (bundles.has(bundle.name)) fail(['bundles', i, 'name'], `duplicate bundle "${bundle.name}"`);
      bundles.add(bundle.name);
      bundle.scopes.forEach((pattern, j) => {
        if (!isPattern(pattern)) fail(['bundles', i, 'scopes', j], `bundle "${bundle.name}" names unknown scope "${pattern}"`);
      });
    });
  });

/** `scopes[3].name`, plus the entry's own name when it has one, so the reader can find it. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  let text = '';
  let node: unknown = raw;
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const name = node && typeof node === 'object' ? (node as { name?: unknown }).name : undefined;
    if (typeof key === 'number' && typeof name === 'string') text += ` ("${name}")`;
  }
  return text || '(root)';
}

/** Parses and validates a catalog; throws an Error listing every problem, each with its entry. */
export function parseScopeCatalog(raw: unknown, source = 'scope catalog'): ScopeCatalog {
  const result = catalogSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${describePath(raw, issue.path)}: ${issue.message}`);
    throw new Error(`Invalid ${source}:\n${problems.join('\n')}`);
  }
  return deepFreeze(result.data);
}

export function loadScopeCatalog(path: string = catalogPath): ScopeCatalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read scope catalog ${path}: ${(error as Error).message}`);
  }
  return parseScopeCatalog(raw, `scope catalog ${path}`);
}

let cached: ScopeCatalog | undefined;

/** The catalog under `schema/`, read once: it only changes with a deploy. */
export function defaultCatalog(): ScopeCatalog {
  return (cached ??= loadScopeCatalog());
}

// The memoized catalog is shared by every engine and resolver in the process, so
// nobody may mutate it in place (tests that need a variant build a new object).
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

import { normalizeAllowlist } from '../../auth/ip-allowlist';
import { badInput } from '../../errors';
import type { KeyType } from '../../scopes/types';
import type { ScopeEngine } from '../../scopes/engine';

export interface CreateKeyInput {
  name: string;
  type?: KeyType | null;
  scopes?: readonly string[] | null;
  bundles?: readonly string[] | null;
  policyIds?: readonly number[] | null;
  expiresAt?: Date | null;
  ipAllowlist?: readonly string[] | null;
  allowedOrigins?: readonly string[] | null;
}

export interface ValidKeyInput {
  name: string;
  type: KeyType;
  scopes: string[];
  bundles: string[];
  policyIds: number[];
  expiresAt: Date | null;
  ipAllowlist: string[] | null;
  allowedOrigins: string[] | null;
}

const MAX_NAME = 100;

/** Field-by-field validation with messages that name the field, before anything is written. */
export function validateKeyInput(engine: ScopeEngine, input: CreateKeyInput, now: Date): ValidKeyInput {
  const name = input.name.trim();
  if (name.length === 0) throw badInput('name must not be empty', { field: 'name' });
  if (name.length > MAX_NAME) throw badInput(`name must be at most ${MAX_NAME} characters`, { field: 'name' });

  const type = input.type ?? 'SECRET';
  const scopes = dedupe(input.scopes ?? []);
  const bundles = dedupe(input.bundles ?? []);
  engine.assertValidScopes(scopes, 'scopes');
  engine.assertValidBundles(bundles, 'bundles');

  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw badInput('expiresAt must be in the future', { field: 'expiresAt' });
  }

  const allowedOrigins = input.allowedOrigins?.length ? dedupe(input.allowedOrigins).map(normalizeOrigin) : null;
  if (allowedOrigins && type !== 'PUBLISHABLE') {
    throw badInput('allowedOrigins applies to publishable keys only', { field: 'allowedOrigins' });
  }

  return {
    name,
    type,
    scopes,
    bundles,
    policyIds: dedupe(input.policyIds ?? []),
    expiresAt,
    ipAllowlist: input.ipAllowlist?.length ? normalizeAllowlist(dedupe(input.ipAllowlist)) : null,
    allowedOrigins,
  };
}

/** Browsers send `scheme://host[:port]` with no path; compare in that exact form. */
function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw badInput(`"${origin}" is not an origin such as https://shop.example.com`, { field: 'allowedOrigins' });
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw badInput(`"${origin}" is not an origin such as https://shop.example.com`, { field: 'allowedOrigins' });
  }
  return url.origin;
}

function dedupe<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

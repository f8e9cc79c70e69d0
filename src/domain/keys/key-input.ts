import { normalizeAllowlist } from '../../auth/ip-allowlist';
import { badInput } from '../../errors';
import type { KeyType } from '../../scopes/types';
import type { ScopeEngine } from '../../scopes/engine';

/** The fields a key is made of and may later be changed to; the type is fixed at creation. */
export interface KeyFieldsInput {
  name?: string | null;
  scopes?: readonly string[] | null;
  bundles?: readonly string[] | null;
  policyIds?: readonly number[] | null;
  expiresAt?: Date | null;
  ipAllowlist?: readonly string[] | null;
  allowedOrigins?: readonly string[] | null;
}

export interface CreateKeyInput extends KeyFieldsInput {
  name: string;
  type?: KeyType | null;
}

/**
 * Only the fields given change. Omitted or null leaves name, scopes, bundles
 * and policyIds as they are (a key always has them; `[]` empties a list);
 * null clears expiresAt, ipAllowlist and allowedOrigins.
 */
export type UpdateKeyInput = KeyFieldsInput;

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

/** The validated, normalized fields of an update: present only when given. */
export type KeyPatch = Partial<Omit<ValidKeyInput, 'type'>>;

const MAX_NAME = 100;

/**
 * The one validation path for a key's fields, shared by create and update:
 * each given field is checked (with a message naming it) and normalized,
 * before anything is written. Omitted fields are left out of the result.
 */
export function validateKeyFields(engine: ScopeEngine, input: KeyFieldsInput, type: KeyType, now: Date): KeyPatch {
  const patch: KeyPatch = {};
  if (input.name != null) patch.name = validName(input.name);
  if (input.scopes != null) {
    patch.scopes = dedupe(input.scopes);
    engine.assertValidScopes(patch.scopes, 'scopes');
  }
  if (input.bundles != null) {
    patch.bundles = dedupe(input.bundles);
    engine.assertValidBundles(patch.bundles, 'bundles');
  }
  if (input.policyIds != null) patch.policyIds = dedupe(input.policyIds);
  if (input.expiresAt !== undefined) patch.expiresAt = validExpiry(input.expiresAt, now);
  if (input.ipAllowlist !== undefined) {
    patch.ipAllowlist = input.ipAllowlist?.length ? normalizeAllowlist(dedupe(input.ipAllowlist)) : null;
  }
  if (input.allowedOrigins !== undefined) patch.allowedOrigins = validOrigins(input.allowedOrigins, type);
  return patch;
}

/** A new key: every field validated as for an update, then the defaults filled in. */
export function validateKeyInput(engine: ScopeEngine, input: CreateKeyInput, now: Date): ValidKeyInput {
  const type = input.type ?? 'SECRET';
  // A missing name is an empty one: create needs it, so it must not be skipped as "not given".
  const fields = validateKeyFields(engine, { ...input, name: input.name ?? '' }, type, now);
  return {
    name: fields.name!,
    type,
    scopes: fields.scopes ?? [],
    bundles: fields.bundles ?? [],
    policyIds: fields.policyIds ?? [],
    expiresAt: fields.expiresAt ?? null,
    ipAllowlist: fields.ipAllowlist ?? null,
    allowedOrigins: fields.allowedOrigins ?? null,
  };
}

function validName(value: string): string {
  const name = value.trim();
  if (name.length === 0) throw badInput('name must not be empty', { field: 'name' });
  if (name.length > MAX_NAME) throw badInput(`name must be at most ${MAX_NAME} characters`, { field: 'name' });
  return name;
}

function validExpiry(expiresAt: Date | null, now: Date): Date | null {
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw badInput('expiresAt must be in the future', { field: 'expiresAt' });
  }
  return expiresAt;
}

function validOrigins(origins: readonly string[] | null, type: KeyType): string[] | null {
  if (!origins?.length) return null;
  if (type !== 'PUBLISHABLE') throw badInput('allowedOrigins applies to publishable keys only', { field: 'allowedOrigins' });
  return dedupe(origins.map(normalizeOrigin));
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

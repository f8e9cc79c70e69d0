import { AppError } from './errors';

/**
 * The one ID codec. Global ids are opaque (Relay): base64url of `Type:id`, so
 * clients never build them and we can change storage keys later.
 */
export function toGlobalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

export function parseGlobalId(globalId: string): { type: string; id: number } | undefined {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([1-9][0-9]{0,15})$/.exec(decoded);
  if (!match || toGlobalId(match[1]!, Number(match[2])) !== globalId) return undefined;
  return { type: match[1]!, id: Number(match[2]) };
}

/**
 * For arguments that must name an object of one type. A well-formed id of the
 * wrong type or of another account is NOT_FOUND: never reveal what exists.
 */
export function expectGlobalId(globalId: string, type: string, field: string): number {
  const parsed = parseGlobalId(globalId);
  if (!parsed) throw new AppError('BAD_USER_INPUT', `${field} is not a valid ID`, { field });
  if (parsed.type !== type) throw new AppError('NOT_FOUND', `${type} not found`, { field });
  return parsed.id;
}

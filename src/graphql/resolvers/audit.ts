import type { AuditFilter, AuditTargetType } from '../../domain/audit/audit-log';
import { AppError } from '../../errors';
import { pageRequest, toConnection } from '../connection';
import type { Resolvers } from '../generated/resolvers';
import { parseGlobalId, toGlobalId } from '../../global-id';

/** What each filter accepts, and how its error names it. */
const TARGETS = { types: ['ApiKey', 'ScopePolicy', 'WebhookEndpoint'] satisfies AuditTargetType[], described: 'an ApiKey, a ScopePolicy or a WebhookEndpoint' };
const ACTORS = { types: ['ApiKey'], described: 'an ApiKey' };

/** Thin: filters decoded from global ids, then AuditLog.list. */
export const auditResolvers: Resolvers = {
  Query: {
    auditEntries: async (_root, { targetId, actorId, ...args }, ctx) => {
      const request = pageRequest(args);
      const filter: AuditFilter = {};
      if (targetId != null) {
        const target = idOf(targetId, TARGETS, 'targetId');
        Object.assign(filter, { targetType: target.type as AuditTargetType, targetId: target.id });
      }
      if (actorId != null) filter.actorKeyId = idOf(actorId, ACTORS, 'actorId').id;
      // One row more than asked tells whether another page follows.
      const rows = await ctx.services.audit.list(ctx.actor.accountId, { limit: request.first + 1, beforeId: request.afterId }, filter);
      return toConnection({ nodes: rows.slice(0, request.first), hasNextPage: rows.length > request.first }, request);
    },
  },
  AuditEntry: {
    id: (entry) => toGlobalId('AuditEntry', entry.id),
    targetId: (entry) => toGlobalId(entry.targetType, entry.targetId),
    actorId: (entry) => (entry.actorKeyId === null ? null : toGlobalId('ApiKey', entry.actorKeyId)),
    actor: (entry, _args, ctx) => (entry.actorKeyId === null ? null : ctx.loaders.keyInAccount.load(entry.actorKeyId)),
  },
};

/**
 * A filter id must be a global id of one of `types`. An id of another account
 * is accepted and simply matches nothing, exactly like an id that never existed.
 */
function idOf(globalId: string, accepted: { types: readonly string[]; described: string }, field: string) {
  const parsed = parseGlobalId(globalId);
  if (!parsed || !accepted.types.includes(parsed.type)) {
    throw new AppError('BAD_USER_INPUT', `${field} must be the id of ${accepted.described}`, { field });
  }
  return parsed;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { badInput } from '../errors';
import { schemaDir } from '../paths';
import { defaultCatalog } from '../scopes/catalog';
import { suggest } from '../scopes/engine';

/**
 * The webhook event catalog (`schema/webhook-events.json`): the one list of
 * event names, each with the read scope of its resource (contract §7). Pattern
 * validation, the subscription scope check, the outbox's matching and the
 * README's event table all read it, so adding an event is one line of data.
 */
export interface WebhookEventInfo {
  /** `resource.action`, e.g. `booking.created`. */
  readonly name: string;
  /** The read scope of the event's resource: a subscriber must hold it. */
  readonly scope: string;
  readonly description: string;
}

const EVENT_NAME = /^[a-z][a-z_]*\.[a-z][a-z_]*$/;
export const ALL_EVENTS = '*';

const catalogSchema = (scopeNames: readonly string[]) =>
  z
    .object({
      events: z
        .array(
          z.strictObject({
            name: z.string().regex(EVENT_NAME, 'an event name is resource.action in lower case, e.g. "booking.created"'),
            scope: z.string().regex(/:read$/, 'an event maps to the read scope of its resource'),
            description: z.string().min(1),
          }),
        )
        .min(1),
    })
    .superRefine((catalog, ctx) => {
      const seen = new Set<string>();
      catalog.events.forEach((event, i) => {
        if (seen.has(event.name)) ctx.addIssue({ code: 'custom', path: ['events', i, 'name'], message: `duplicate event "${event.name}"` });
        seen.add(event.name);
        if (!scopeNames.includes(event.scope)) {
          ctx.addIssue({ code: 'custom', path: ['events', i, 'scope'], message: `"${event.scope}" is not in the scope catalog` });
        }
      });
    });

/** The resource of an event name or a `resource.*` pattern: `booking` for both `booking.created` and `booking.*`. */
const resourceOf = (name: string): string => name.slice(0, name.indexOf('.'));

/**
 * Whether a subscription's patterns cover an event. Pure string matching, so
 * patterns stored before a catalog change keep their meaning: `booking.*`
 * also receives a booking event added later (same resource, same scope), and
 * the delivery worker re-checks the subscriber's scopes at send time anyway.
 */
export function patternsMatch(patterns: readonly string[], eventName: string): boolean {
  return patterns.some(
    (p) => p === ALL_EVENTS || p === eventName || (p.endsWith('.*') && resourceOf(eventName) === p.slice(0, -2)),
  );
}

export class WebhookEventCatalog {
  readonly events: readonly WebhookEventInfo[];
  private readonly byName: ReadonlyMap<string, WebhookEventInfo>;
  /** Every pattern a subscription may name, in catalog order: `*`, then per resource `r.*` and its events. */
  readonly patterns: readonly string[];

  constructor(events: readonly WebhookEventInfo[]) {
    this.events = Object.freeze([...events]);
    this.byName = new Map(events.map((e) => [e.name, e]));
    const resources = [...new Set(events.map((e) => resourceOf(e.name)))];
    this.patterns = Object.freeze([
      ALL_EVENTS,
      ...resources.flatMap((r) => [`${r}.*`, ...events.filter((e) => resourceOf(e.name) === r).map((e) => e.name)]),
    ]);
  }

  has(eventName: string): boolean {
    return this.byName.has(eventName);
  }

  /**
   * Checks a subscription's patterns and returns them deduplicated, in the
   * order given. Unknown ones are BAD_USER_INPUT on `field`, each with the
   * closest valid names, as unknown scopes are.
   */
  validatePatterns(patterns: readonly string[], field = 'events'): string[] {
    const unique = [...new Set(patterns)];
    if (unique.length === 0) throw badInput(`${field} must name at least one event (or "*" for all)`, { field });
    const unknown = unique.filter((p) => !this.patterns.includes(p));
    if (unknown.length > 0) {
      const suggestions = Object.fromEntries(unknown.map((u) => [u, suggest(u, this.patterns)]));
      const hints = unknown.filter((u) => suggestions[u]!.length).map((u) => `${suggestions[u]!.map((s) => `"${s}"`).join(', ')} for "${u}"`);
      throw badInput(
        `Unknown event${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} in ${field}.` +
          (hints.length ? ` Did you mean ${hints.join('; ')}?` : ' See the README for the event catalog.'),
        { field, unknownEvents: unknown, suggestions },
      );
    }
    return unique;
  }

  /** The events the patterns cover, in catalog order. */
  matching(patterns: readonly string[]): WebhookEventInfo[] {
    return this.events.filter((e) => patternsMatch(patterns, e.name));
  }

  /** The read scopes a subscriber to these patterns must hold (`*` needs every one), in catalog order. */
  requiredScopes(patterns: readonly string[]): string[] {
    return [...new Set(this.matching(patterns).map((e) => e.scope))];
  }
}

/** Parses and validates a catalog against the scope catalog's names; throws an Error listing every problem. */
export function parseWebhookEventCatalog(raw: unknown, scopeNames: readonly string[], source = 'webhook event catalog'): WebhookEventCatalog {
  const parsed = catalogSchema(scopeNames).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid ${source}:\n  ${problems.join('\n  ')}`);
  }
  return new WebhookEventCatalog(parsed.data.events);
}

export const webhookEventCatalogPath = join(schemaDir, 'webhook-events.json');

let defaultEvents: WebhookEventCatalog | undefined;

/** The catalog of `schema/webhook-events.json`, checked against the scope catalog, loaded once per process. */
export function defaultWebhookEventCatalog(): WebhookEventCatalog {
  return (defaultEvents ??= parseWebhookEventCatalog(
    JSON.parse(readFileSync(webhookEventCatalogPath, 'utf8')),
    defaultCatalog().scopes.map((s) => s.name),
    webhookEventCatalogPath,
  ));
}

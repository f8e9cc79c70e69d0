import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths';
import { defaultCatalog } from '../../src/scopes/catalog';
import { defaultScopeEngine } from '../../src/scopes/engine';
import { assertMaySubscribe } from '../../src/webhooks/endpoint-input';
import { defaultWebhookEventCatalog, parseWebhookEventCatalog, patternsMatch } from '../../src/webhooks/event-catalog';
import { renderEventTable } from '../../src/webhooks/event-table';
import { newWebhookSecret } from '../../src/webhooks/secrets';
import { thrown } from '../support/thrown';

const catalog = defaultWebhookEventCatalog();
const scopeNames = defaultCatalog().scopes.map((s) => s.name);

describe('the event catalog (schema/webhook-events.json)', () => {
  it('lists the contract’s events, each with the read scope of its resource', () => {
    expect(Object.fromEntries(catalog.events.map((e) => [e.name, e.scope]))).toEqual({
      'product.created': 'products:read',
      'product.updated': 'products:read',
      'customer.created': 'customers:read',
      'customer.updated': 'customers:read',
      'customer.deleted': 'customers:read',
      'booking.created': 'bookings:read',
      'booking.updated': 'bookings:read',
      'booking.cancelled': 'bookings:read',
      'api_key.revoked': 'keys:read',
    });
  });

  it('offers exact names, resource wildcards and `*` as patterns', () => {
    expect(catalog.patterns).toEqual(expect.arrayContaining(['*', 'booking.*', 'api_key.*', 'booking.created']));
    expect(catalog.patterns).not.toContain('booking');
  });

  it('refuses a bad catalog with every problem named', () => {
    const bad = { events: [
      { name: 'Booking.Created', scope: 'bookings:read', description: 'x' },
      { name: 'booking.created', scope: 'bookings:write', description: 'x' },
      { name: 'booking.updated', scope: 'bookingz:read', description: 'x' },
      { name: 'booking.updated', scope: 'bookings:read', description: 'x' },
    ] };
    const error = (() => {
      try {
        parseWebhookEventCatalog(bad, scopeNames);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/events\.0\.name: an event name is resource\.action/);
    expect(error).toMatch(/events\.1\.scope: an event maps to the read scope/);
    expect(error).toMatch(/"bookingz:read" is not in the scope catalog/);
    expect(error).toMatch(/duplicate event "booking\.updated"/);
  });

  it('the README’s event table is the rendered catalog (npm run docs:check keeps it so)', () => {
    expect(readFileSync(join(projectRoot, 'README.md'), 'utf8')).toContain(renderEventTable(catalog));
  });
});

describe('patterns', () => {
  it('match exact names, a resource’s events, or everything', () => {
    expect(patternsMatch(['booking.created'], 'booking.created')).toBe(true);
    expect(patternsMatch(['booking.created'], 'booking.updated')).toBe(false);
    expect(patternsMatch(['booking.*'], 'booking.cancelled')).toBe(true);
    expect(patternsMatch(['booking.*'], 'customer.created')).toBe(false);
    expect(patternsMatch(['*'], 'api_key.revoked')).toBe(true);
    expect(patternsMatch([], 'booking.created')).toBe(false);
  });

  it('need the read scope of every event they match; `*` needs every one', () => {
    expect(catalog.requiredScopes(['booking.*'])).toEqual(['bookings:read']);
    expect(catalog.requiredScopes(['booking.created', 'customer.deleted'])).toEqual(['customers:read', 'bookings:read']);
    expect(catalog.requiredScopes(['*'])).toEqual(['products:read', 'customers:read', 'bookings:read', 'keys:read']);
  });

  it('unknown ones are BAD_USER_INPUT on `events`, with the closest names', () => {
    const error = thrown(() => catalog.validatePatterns(['booking.created', 'booking.cancelld', 'bookings.*', 'zzz']));
    expect(error.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'events',
      unknownEvents: ['booking.cancelld', 'bookings.*', 'zzz'],
      suggestions: { 'booking.cancelld': ['booking.cancelled'], 'bookings.*': ['booking.*'], zzz: [] },
    });
    expect(error.message).toMatch(/Did you mean "booking.cancelled" for "booking.cancelld"/);
    expect(thrown(() => catalog.validatePatterns([])).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    expect(catalog.validatePatterns(['booking.*', 'booking.*', '*'])).toEqual(['booking.*', '*']);
  });
});

describe('subscribing (contract section 7)', () => {
  const engine = defaultScopeEngine();
  const keyHolding = (...scopes: string[]) =>
    ({ kind: 'key', accountId: 1, keyId: 7, permissions: engine.permissionsFor({ keyType: 'SECRET', scopes, bundles: [], policies: [] }) }) as const;

  it('needs the read scope of each matched event on the calling key: SCOPE_REQUIRED naming what is missing', () => {
    expect(() => assertMaySubscribe(keyHolding('bookings:read'), catalog, ['booking.*'])).not.toThrow();
    expect(() => assertMaySubscribe(keyHolding('bookings:write'), catalog, ['booking.created'])).not.toThrow();
    const error = thrown(() => assertMaySubscribe(keyHolding('webhooks:write', 'bookings:read'), catalog, ['booking.*', 'customer.created']));
    expect(error.extensions).toEqual({
      code: 'SCOPE_REQUIRED',
      field: 'events',
      requiredScopes: [['customers:read', 'bookings:read']],
      missingScopes: ['customers:read'],
    });
    expect(error.message).toMatch(/customer\.created requires customers:read/);
  });

  it('`*` needs every read scope; the operator is trusted', () => {
    const error = thrown(() => assertMaySubscribe(keyHolding('products:read', 'customers:read', 'bookings:read'), catalog, ['*']));
    expect(error.extensions.missingScopes).toEqual(['keys:read']);
    expect(() => assertMaySubscribe(keyHolding('admin'), catalog, ['*'])).not.toThrow();
    expect(() => assertMaySubscribe({ kind: 'operator', accountId: 1 }, catalog, ['*'])).not.toThrow();
  });
});

describe('secrets', () => {
  it('are whsec_ + base64 of 32 random bytes by default, 24 to 64 allowed', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
    expect(Buffer.from(newWebhookSecret(24).slice(6), 'base64')).toHaveLength(24);
    expect(() => newWebhookSecret(16)).toThrow(RangeError);
    expect(() => newWebhookSecret(65)).toThrow(RangeError);
  });
});

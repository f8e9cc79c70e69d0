/**
 * Malformed and hostile requests for test/http/hostile-input.int.test.ts
 * (issue 7 item 6, "Bad input never hurts").
 *
 * Deterministic: request `index` of a run with `seed` is always the same bytes
 * (each request draws from its own PRNG, seeded from the run's seed and its
 * index), so a failure names the seed and the index to replay, whatever order
 * the concurrent sender happened to finish in.
 *
 * Every mutation sent is *poisoned*: each of its root fields carries at least
 * one value the server must refuse (an unknown or foreign id, an invalid email,
 * a capacity of 0, an unknown scope, ...), on top of whatever hostile shape the
 * category wraps it in. A mutation that got through anyway would show up as a
 * changed database.
 */
import { crc32 } from 'node:zlib';

export const PLAN = {
  'random-bytes': 350,
  'truncated-json': 400,
  'wrong-shape': 400,
  'content-type': 350,
  'get-params': 350,
  'huge-document': 40,
  'deep-nesting': 350,
  'alias-bomb': 350,
  'directive-flood': 300,
  'fragment-cycle': 300,
  'invalid-utf8': 350,
  'wrong-variable-types': 450,
  'enormous-variables': 100,
  'bogus-key': 500,
  'hostile-mutation': 600,
  'raw-http': 200,
  'wrong-method': 100,
} as const;

export type Category = keyof typeof PLAN;

/**
 * Who a request claims to be. `admin` and `limited` send a valid key (so the
 * server authenticates them and writes request log rows); the rest must never
 * be served data.
 */
export type AuthKind = 'admin' | 'limited' | 'none' | 'bogus' | 'revoked';

export interface HostileContext {
  readonly bodyLimit: number;
  readonly keys: {
    /** All scopes. */
    readonly admin: string;
    /** products:read only: its mutations are refused for scope. */
    readonly limited: string;
    readonly revoked: string;
    /** PUBLISHABLE, allowedOrigins ["https://shop.example"]. */
    readonly publishable: string;
  };
  /** Global ids of real rows. `other*` belong to another account: to this one they must be NOT_FOUND. */
  readonly ids: {
    readonly product: string;
    readonly customer: string;
    readonly booking: string;
    readonly adminKey: string;
    readonly policy: string;
    readonly otherProduct: string;
    readonly otherCustomer: string;
    readonly otherKey: string;
  };
}

export interface HostileRequest {
  readonly index: number;
  readonly category: Category;
  /** Which variant of the category, for reports. */
  readonly variant: string;
  readonly auth: AuthKind;
  readonly method: string;
  /** Path and query string, sent as is. */
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  readonly body?: Buffer;
  /** Send the body in two writes without a Content-Length (chunked). */
  readonly chunked?: boolean;
  /** Bytes written to a raw socket as they are (request line, headers, body); method/path/headers unused. */
  readonly raw?: Buffer;
  /** The one answer the server must give, where the contract fixes it. */
  readonly expect?: { status: number; code: string };
}

// ---------------------------------------------------------------------------
// PRNG

/** mulberry32: small, fast, good enough to pick test cases. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** The categories of a run, one entry per request, in a seeded order (so concurrent requests mix categories). */
export function schedule(seed: number): Category[] {
  const order: Category[] = [];
  for (const [category, count] of Object.entries(PLAN) as [Category, number][]) {
    for (let i = 0; i < count; i++) order.push(category);
  }
  return new Rng(seed).shuffle(order);
}

/** Request `index` of the run `seed`. */
export function generate(seed: number, index: number, category: Category, ctx: HostileContext): HostileRequest {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const draft = GENERATORS[category](rng, ctx);
  return { method: 'POST', path: '/graphql', ...draft, index, category };
}

type Draft = Omit<HostileRequest, 'index' | 'category' | 'method' | 'path'> & { method?: string; path?: string };
type Generator = (rng: Rng, ctx: HostileContext) => Draft;

// ---------------------------------------------------------------------------
// Building blocks

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** encodeURIComponent that takes any string (a lone surrogate goes as the bytes of U+FFFD, as Buffer encodes it). */
const uriComponent = (text: string): string =>
  encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));
const JSON_TYPE = { 'content-type': 'application/json' };

/** A header value carrying these bytes as they are (node writes header strings as latin1). */
const headerBytes = (bytes: Buffer): string => bytes.toString('latin1');

function jsonBody(query: unknown, variablesJson?: string, extra = ''): Buffer {
  const variables = variablesJson === undefined ? '' : `,"variables":${variablesJson}`;
  return utf8(`{"query":${JSON.stringify(query)}${variables}${extra}}`);
}

interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

const opBody = (op: Operation): Buffer => jsonBody(op.query, op.variables === undefined ? undefined : JSON.stringify(op.variables));

/** The header set for one of the auth kinds; `none` sends no Authorization at all. */
function authHeader(kind: AuthKind, rng: Rng, ctx: HostileContext): Record<string, string | string[]> {
  switch (kind) {
    case 'admin':
      return { authorization: `Bearer ${ctx.keys.admin}` };
    case 'limited':
      return { authorization: rng.chance(0.5) ? `Bearer ${ctx.keys.limited}` : `Bearer ${ctx.keys.publishable}` };
    case 'revoked':
      return { authorization: `Bearer ${ctx.keys.revoked}` };
    case 'bogus':
      return { authorization: bogusAuthorization(rng, ctx).value };
    case 'none':
      return {};
  }
}

/** Mostly the admin key (so requests get past authentication and reach the parser), some others. */
function someAuth(rng: Rng, ctx: HostileContext): { auth: AuthKind; headers: Record<string, string | string[]> } {
  const roll = rng.next();
  const auth: AuthKind = roll < 0.6 ? 'admin' : roll < 0.72 ? 'limited' : roll < 0.86 ? 'none' : roll < 0.96 ? 'bogus' : 'revoked';
  return { auth, headers: authHeader(auth, rng, ctx) };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** A key of the right shape with a right checksum that no account has: it costs the server a lookup. */
function forgedKey(rng: Rng, prefix = 'sk_live_'): string {
  let body = prefix;
  for (let i = 0; i < 32; i++) body += BASE62[rng.int(0, 61)];
  return body + base62(crc32(body), 6);
}

const flipLast = (key: string): string => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

/** Bogus Authorization values; `several` means more than one header line. */
function bogusAuthorization(rng: Rng, ctx: HostileContext): { variant: string; value: string | string[] } {
  const admin = ctx.keys.admin;
  const body = admin.slice('sk_live_'.length);
  const variants: [string, () => string | string[]][] = [
    ['bad checksum', () => `Bearer ${flipLast(admin)}`],
    ['wrong prefix sk_test_', () => `Bearer sk_test_${body}`],
    ['upper-case prefix', () => `Bearer SK_LIVE_${body}`],
    ['unknown prefix', () => `Bearer ${rng.pick(['xk_live_', 'sk_', 'pk_test_', 'sk-live-', 'ghp_', ''])}${body}`],
    ['secret body under pk_', () => `Bearer pk_live_${body}`],
    ['forged unknown key', () => `Bearer ${forgedKey(rng, rng.pick(['sk_live_', 'pk_live_']))}`],
    ['key plus a character', () => `Bearer ${admin}${BASE62[rng.int(0, 61)]}`],
    ['truncated key', () => `Bearer ${admin.slice(0, rng.int(0, admin.length - 1))}`],
    ['empty Bearer', () => rng.pick(['Bearer', 'Bearer ', 'Bearer    ', 'Bearer\t'])],
    ['empty header', () => rng.pick(['', ' ', '\t'])],
    ['Basic', () => `Basic ${Buffer.from(rng.pick([`${admin}:`, `:${admin}`, 'admin:admin', admin])).toString('base64')}`],
    ['other scheme', () => `${rng.pick(['Token', 'Bearer:', 'Bearer=', 'Digest', 'ApiKey', 'Bear', 'Bearerx'])} ${admin}`],
    ['key without scheme', () => admin],
    ['two keys in one header', () => `Bearer ${flipLast(admin)}, Bearer ${admin}`],
    ['several Authorization headers', () => [`Bearer ${flipLast(admin)}`, `Bearer ${admin}`]],
    ['several headers, one empty', () => ['', `Bearer ${admin}`]],
    ['long header', () => `Bearer ${'A'.repeat(rng.pick([100, 1000, 4000, 8000, 12_000]))}`],
    ['over the header size limit', () => `Bearer ${'A'.repeat(rng.pick([17_000, 40_000, 70_000]))}`],
    ['non-ASCII latin1', () => `Bearer ${headerBytes(Buffer.from(`sk_live_${'é'.repeat(32)}ÿÿÿÿÿÿ`, 'latin1'))}`],
    ['non-ASCII UTF-8 bytes', () => `Bearer ${headerBytes(utf8(`sk_live_${'キー'.repeat(16)}`))}`],
    ['invalid UTF-8 bytes', () => `Bearer ${headerBytes(Buffer.concat([utf8('sk_live_'), Buffer.from(rng.bytes(38).map((b) => b | 0x80))]))}`],
    ['key with junk after', () => `Bearer ${admin} ${rng.pick(['x', 'sk_live_x', '; drop table api_key', ','])}`],
    ['SQL in key', () => `Bearer ${rng.pick(["' OR '1'='1", "sk_live_' OR 1=1 --", '%', '*', '\\'])}`],
    ['revoked key', () => `Bearer ${ctx.keys.revoked}`],
  ];
  const [variant, make] = rng.pick(variants);
  return { variant, value: make() };
}

/** Strings that have hurt servers before. */
function hostileString(rng: Rng): string {
  return rng.pick([
    () => '',
    () => ' \t\n ',
    () => '\u0000',
    () => `a\u0000b`,
    () => "'; DROP TABLE customer; --",
    () => '" OR 1=1 --',
    () => "Robert'); DELETE FROM booking WHERE ('1'='1",
    () => '%_\\%',
    () => '\u202eevil\u202d',
    () => '\ud800',
    () => 'x\udfffy',
    () => '😀'.repeat(rng.int(1, 300)),
    () => 'Z̴̡̛̛͈a̸͇͝l̷̡̛g̶̢͝o̵̡͝'.repeat(rng.int(1, 20)),
    () => '<script>alert(1)</script>',
    () => '${jndi:ldap://127.0.0.1/x}',
    () => '{{7*7}}',
    () => '../../../../etc/passwd',
    () => '\r\nX-Injected: 1',
    () => '__proto__',
    () => 'constructor',
    () => 'x'.repeat(rng.pick([201, 255, 256, 2001, 5000, 65_536])),
    () => '\uFFFD\uFFFE\uFFFF',
    () => String.fromCharCode(...Array.from({ length: rng.int(1, 40) }, () => rng.int(0, 0xffff))),
  ])();
}

function hostileValue(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => hostileString(rng),
    () => rng.pick([0, -1, 1.5, -0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e308, Number.MAX_SAFE_INTEGER]),
    () => rng.pick([true, false, null]),
    () => ({}),
    () => [],
    () => [hostileString(rng)],
    () => ({ a: { b: [1, 'x', null] } }),
  ])();
}

/** JSON text of values a typed variable must reject (or take as they are, when the type allows). */
const RAW_VALUES = [
  '"ten"', '""', '"1"', '" 1"', '"NaN"', '"Infinity"', '"-0"', '"0x10"', '"1e3"',
  '2147483648', '-2147483649', '9007199254740993', '99999999999999999999999999', '1e999', '-1e999', '1e-999',
  '1.5', '-0', '0.0000001', '1e2', '-1',
  'true', 'false', 'null', '{}', '[]', '[1]', '[[1]]', '{"a":1}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}',
  '"2026-13-45T99:99:99Z"', '"2026-02-30T00:00:00Z"', '"2026-01-01"', '"2026-01-01T00:00:00"', '"0000-01-01T00:00:00Z"',
  '"0001-01-01T00:00:00Z"', '"9999-12-31T23:59:59Z"', '"+275760-09-13T00:00:00Z"', '"2026-01-01T00:00:00+99:99"',
  '"2026-01-01T24:00:00Z"', '"2026-01-01T00:00:00.1234567890Z"', '"now"', '1700000000000', '"1700000000"',
  '"CONFIRMED "', '"confirmed"', '"ACTIV"', '"ACTIVE"', '"__typename"', '"DELETE"',
  '"\\u0000"', '"\\ud800"', '"\\udfff\\ud800"', '"\\u202e"',
] as const;

/** Operations with one typed variable `$v`, to feed RAW_VALUES to. */
function typedOperations(ctx: HostileContext): string[] {
  return [
    'query Q($v: Int) { products(first: $v) { edges { node { id } } } }',
    'query Q($v: Int!) { customers(first: $v) { edges { node { id } } } }',
    'query Q($v: String) { customers(first: 3, search: $v) { edges { node { id email } } } }',
    'query Q($v: String) { products(first: 2, after: $v) { edges { node { id } } } }',
    'query Q($v: ID!) { node(id: $v) { id } }',
    `query Q($v: DateTime!) { availability(productId: "${ctx.ids.product}", from: $v, to: "2030-01-02T00:00:00Z") { available } }`,
    `query Q($v: DateTime!) { availability(productId: "${ctx.ids.product}", from: "2029-12-30T00:00:00Z", to: $v) { available } }`,
    'query Q($v: DateTime!) { reports { bookingSummary(from: $v, to: "2040-01-01T00:00:00Z") { confirmedBookings revenueCents } } }',
    'query Q($v: DateTime!) { reports { bookingSummary(from: "2000-01-01T00:00:00Z", to: $v) { rows { productName } } } }',
    'query Q($v: ApiKeyStatus) { apiKeys(first: 5, status: $v) { edges { node { id status } } } }',
    'query Q($v: BookingStatus) { bookings(first: 5, filter: { status: $v }) { edges { node { id } } } }',
    'query Q($v: BookingFilter) { bookings(first: 5, filter: $v) { edges { node { id } } } }',
    'query Q($v: DateTime) { bookings(first: 5, filter: { from: $v, to: $v }) { edges { node { id } } } }',
    'query Q($v: ID) { bookings(first: 5, filter: { productId: $v, customerId: $v }) { edges { node { id } } } }',
    'query Q($v: WebhookDeliveryStatus) { webhookDeliveries(status: $v) { edges { node { id } } } }',
    'query Q($v: ID) { webhookDeliveries(endpointId: $v) { edges { node { id } } } }',
    'query Q($v: ID) { auditEntries(first: 3, targetId: $v, actorId: $v) { edges { node { id action } } } }',
    'query Q($v: Boolean!) { viewer { effectiveScopes @include(if: $v) } }',
    'query Q($v: JSON) { requiredScopes(query: "{ customers { edges { node { id } } } }", variables: $v) { minimalScopes } }',
    'query Q($v: String!) { requiredScopes(query: $v) { minimalScopes missingScopes } }',
    'query Q($v: [Int]) { viewer { effectiveScopes } }',
    'query Q($v: Int = "x") { viewer { effectiveScopes } }',
    'query Q($v: Viewer) { viewer { effectiveScopes } }',
    'query Q($v: Nope!) { viewer { effectiveScopes } }',
    'query Q($v: Int) { viewer { effectiveScopes } }',
  ];
}

/** Well-formed operations the server answers normally; categories mangle them. */
function operations(ctx: HostileContext): Operation[] {
  return [
    { query: '{ viewer { account { name } effectiveScopes } }' },
    {
      query: 'query Products($n: Int) { products(first: $n) { edges { cursor node { id name priceCents capacity } } pageInfo { hasNextPage endCursor } } }',
      variables: { n: 5 },
    },
    {
      query: 'query Customers($s: String) { customers(first: 10, search: $s) { edges { node { id name email bookings(first: 2) { edges { node { reference } } } } } } }',
      variables: { s: 'a' },
    },
    {
      query: 'query Bookings($f: BookingFilter) { bookings(first: 10, filter: $f) { edges { node { id reference status startsAt product { name } customer { email } } } } }',
      variables: { f: { status: 'CONFIRMED', from: '2000-01-01T00:00:00Z' } },
    },
    {
      query: 'query Availability($p: ID!, $from: DateTime!, $to: DateTime!) { availability(productId: $p, from: $from, to: $to) { startsAt endsAt available } }',
      variables: { p: ctx.ids.product, from: '2030-01-01T00:00:00Z', to: '2030-01-03T00:00:00Z' },
    },
    { query: 'query Node($id: ID!) { node(id: $id) { id ... on Customer { name } ... on Product { name } } }', variables: { id: ctx.ids.customer } },
    { query: '{ apiKeys(first: 5) { edges { node { id name prefix scopes status lastUsedAt } } } scopePolicies { name mode scopes } }' },
    {
      query: 'query Required($q: String!) { requiredScopes(query: $q) { minimalScopes missingScopes fields { path requiredScopes } } }',
      variables: { q: '{ customers { edges { node { email } } } }' },
    },
    { query: '{ reports { bookingSummary(from: "2000-01-01T00:00:00Z", to: "2040-01-01T00:00:00Z") { confirmedBookings revenueCents } } }' },
    { query: '{ scopes { name category } scopeBundles { name scopes } }' },
    { query: '{ auditEntries(first: 5) { edges { node { action targetType at } } } webhookEndpoints { id url } }' },
    { query: '{ __schema { queryType { name } } }' },
  ];
}

// ---------------------------------------------------------------------------
// Poisoned mutations: every root field is one the server must refuse.

function bogusId(rng: Rng, ctx: HostileContext): string {
  const id = (type: string, n: number | string) => Buffer.from(`${type}:${n}`).toString('base64url');
  return rng.pick<() => string>([
    () => '',
    () => rng.pick(['x', 'null', '0', '-1', '1', '1e3', ' ', '==', '%00']),
    () => id(rng.pick(['Customer', 'Product', 'Booking', 'ApiKey', 'ScopePolicy', 'WebhookEndpoint', 'WebhookDelivery']), rng.int(900_000, 2_000_000_000)),
    () => id('Customer', rng.pick(['0', '-1', '01', '1.5', '1 OR 1=1', "1'; --", '9007199254740993', '99999999999999999', '2147483648'])),
    () => id(rng.pick(['Nope', '__proto__', 'constructor', 'Account', '']), rng.int(1, 5)),
    () => rng.pick([ctx.ids.otherCustomer, ctx.ids.otherProduct, ctx.ids.otherKey]),
    // A real id of the wrong type: Product where a Customer is meant, and so on.
    () => rng.pick([ctx.ids.product, ctx.ids.customer, ctx.ids.booking, ctx.ids.policy]),
    () => Buffer.from(`Customer:1`).toString('base64') + '=',
    () => 'Q3VzdG9tZXI6MQ'.repeat(rng.int(2, 2000)),
    () => hostileString(rng),
  ])();
}

/** An id no row of this account has under this mutation's type: never a real target. */
function foreignId(rng: Rng, ctx: HostileContext, realOfThisType: string): string {
  for (;;) {
    const id = bogusId(rng, ctx);
    if (id !== realOfThisType) return id;
  }
}

type Poisoned = { field: string; args: string; selection: string; vars: Record<string, [type: string, value: unknown]> };

function poisonedField(rng: Rng, ctx: HostileContext): Poisoned {
  const s = () => hostileString(rng);
  const v = () => hostileValue(rng);
  const badEmail = () => rng.pick(['', 'no-at-sign', 'a@b', 'a b@example.com', '@example.com', 'x@', `${'x'.repeat(250)}@example.com`, 'ana@example..com', '\u0000@\u0000.\u0000 x']);
  const one = (field: string, type: string, input: Record<string, unknown>, selection: string): Poisoned => ({
    field,
    args: 'input: $input',
    selection,
    vars: { input: [`${type}!`, input] },
  });
  return rng.pick<() => Poisoned>([
    () =>
      one(
        'createProduct',
        'CreateProductInput',
        rng.pick([
          { name: s(), description: s(), priceCents: rng.int(0, 10_000), capacity: rng.pick([0, -1, 100_001, 2_147_483_647]) },
          { name: s(), priceCents: rng.pick([-1, -2_147_483_648]), capacity: 5 },
          { name: rng.pick(['', '   ', '\t\n', 'x'.repeat(201)]), description: s(), priceCents: 100, capacity: 5 },
          { name: s(), description: 'd'.repeat(2001), priceCents: 100, capacity: 5 },
        ]),
        '{ product { id } }',
      ),
    () =>
      one(
        'updateProduct',
        'UpdateProductInput',
        rng.chance(0.5)
          ? { id: ctx.ids.product, name: s(), capacity: rng.pick([0, -5, 100_001]) }
          : { id: foreignId(rng, ctx, ctx.ids.product), name: 'Renamed', priceCents: 1 },
        '{ product { id name } }',
      ),
    () =>
      one(
        'createCustomer',
        'CreateCustomerInput',
        rng.pick([
          { name: s(), email: badEmail(), phone: s(), notes: s() },
          { name: rng.pick(['', '  ', 'n'.repeat(201)]), email: 'ok@example.com', notes: s() },
          { name: 'Valid Name', email: 'ok@example.com', phone: rng.pick(['abc', '+', '()', '555-CALL-NOW', 'p'.repeat(41)]) },
          { name: s(), email: 'ok@example.com', notes: 'n'.repeat(2001) },
        ]),
        '{ customer { id } }',
      ),
    () =>
      one(
        'updateCustomer',
        'UpdateCustomerInput',
        rng.chance(0.5)
          ? { id: ctx.ids.customer, name: s(), email: badEmail(), notes: s() }
          : { id: foreignId(rng, ctx, ctx.ids.customer), name: 'Renamed', email: 'renamed@example.com' },
        '{ customer { id email } }',
      ),
    () => one('deleteCustomer', 'DeleteCustomerInput', { id: foreignId(rng, ctx, ctx.ids.customer) }, '{ deletedId }'),
    () =>
      one(
        'createBooking',
        'CreateBookingInput',
        rng.pick([
          // Inverted, empty or over-long windows.
          { productId: ctx.ids.product, customerId: ctx.ids.customer, startsAt: '2031-01-02T10:00:00Z', endsAt: '2031-01-01T10:00:00Z', notes: s() },
          { productId: ctx.ids.product, customerId: ctx.ids.customer, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T10:00:00Z', notes: s() },
          { productId: ctx.ids.product, customerId: ctx.ids.customer, startsAt: '0001-01-01T00:00:00Z', endsAt: '9999-12-31T23:59:59Z' },
          // Quantities nobody can book (CAPACITY_EXCEEDED or BAD_USER_INPUT).
          { productId: ctx.ids.product, customerId: ctx.ids.customer, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T12:00:00Z', quantity: rng.pick([0, -1, 100_001, 2_147_483_647]), notes: s() },
          // Someone else's product or customer, or no such thing.
          { productId: ctx.ids.otherProduct, customerId: ctx.ids.customer, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T12:00:00Z' },
          { productId: ctx.ids.product, customerId: ctx.ids.otherCustomer, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T12:00:00Z' },
          { productId: foreignId(rng, ctx, ctx.ids.product), customerId: foreignId(rng, ctx, ctx.ids.customer), startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T12:00:00Z', notes: s() },
          { productId: ctx.ids.product, customerId: ctx.ids.customer, startsAt: '2031-01-01T10:00:00Z', endsAt: '2031-01-01T12:00:00Z', notes: 'n'.repeat(2001) },
        ]),
        '{ booking { id reference } }',
      ),
    () =>
      one(
        'updateBooking',
        'UpdateBookingInput',
        rng.pick([
          { id: ctx.ids.booking, quantity: rng.pick([0, -3, 100_001]), notes: s() },
          { id: ctx.ids.booking, startsAt: '2031-01-05T10:00:00Z', endsAt: '2031-01-01T10:00:00Z' },
          { id: foreignId(rng, ctx, ctx.ids.booking), notes: 'moved' },
        ]),
        '{ booking { id } }',
      ),
    () => one('cancelBooking', 'CancelBookingInput', { id: foreignId(rng, ctx, ctx.ids.booking) }, '{ booking { id status } }'),
    () =>
      one(
        'createApiKey',
        'CreateApiKeyInput',
        rng.pick([
          { name: s(), scopes: [rng.pick(['nope:read', 'customers:steal', 'ADMIN', 'admin ', '*', 'customers:*:*', '', s()])] },
          { name: 'k', bundles: [rng.pick(['nope', 'FULL', '', s()])] },
          { name: 'k', scopes: ['products:read'], ipAllowlist: [rng.pick(['999.1.1.1', '10.0.0.0/33', 'localhost', '::g', '', s()])] },
          { name: 'k', type: 'PUBLISHABLE', scopes: [rng.pick(['customers:write', 'keys:write', 'admin', 'bookings:create'])] },
          { name: rng.pick(['', '   ', 'k'.repeat(101)]), scopes: ['products:read'] },
          { name: 'k', scopes: ['products:read'], policyIds: [foreignId(rng, ctx, ctx.ids.policy)] },
        ]),
        '{ apiKey { id } secret }',
      ),
    () =>
      one(
        'updateApiKey',
        'UpdateApiKeyInput',
        rng.chance(0.5)
          ? { id: ctx.ids.adminKey, scopes: [rng.pick(['nope:read', '', 'customers:steal', s()])] }
          : { id: foreignId(rng, ctx, ctx.ids.adminKey), name: 'renamed', scopes: [] },
        '{ apiKey { id scopes } }',
      ),
    () => one('rollApiKey', 'RollApiKeyInput', { id: foreignId(rng, ctx, ctx.ids.adminKey), graceSeconds: rng.pick([0, -1, 604_801, 2_147_483_647]) }, '{ secret }'),
    () => one('revokeApiKey', 'RevokeApiKeyInput', { id: foreignId(rng, ctx, ctx.ids.adminKey) }, '{ apiKey { id status } }'),
    () => one('deleteApiKey', 'DeleteApiKeyInput', { id: foreignId(rng, ctx, ctx.ids.adminKey) }, '{ deletedId }'),
    () =>
      one(
        'createScopePolicy',
        'CreateScopePolicyInput',
        rng.pick([
          { name: s(), mode: rng.pick(['ALLOW', 'DENY']), scopes: [rng.pick(['nope:read', 'customers:steal', '', s()])] },
          { name: rng.pick(['', '  ', 'p'.repeat(101), 'Full access']), mode: 'ALLOW', scopes: ['products:read'] },
        ]),
        '{ policy { id } }',
      ),
    () =>
      one(
        'updateScopePolicy',
        'UpdateScopePolicyInput',
        rng.chance(0.5) ? { id: ctx.ids.policy, scopes: [rng.pick(['nope:read', '', s()])] } : { id: foreignId(rng, ctx, ctx.ids.policy), name: 'x' },
        '{ policy { id } }',
      ),
    () => one('deleteScopePolicy', 'DeleteScopePolicyInput', { id: foreignId(rng, ctx, ctx.ids.policy), force: rng.chance(0.5) }, '{ deletedId }'),
    () =>
      one(
        'createWebhookEndpoint',
        'CreateWebhookEndpointInput',
        {
          // Never a URL that needs DNS: each is refused for its scheme, its address or its length.
          url: rng.pick([
            'http://127.0.0.1/hook',
            'http://example.com/hook',
            'ftp://10.0.0.1/x',
            'javascript:alert(1)',
            'https://10.0.0.1/hook',
            'https://169.254.169.254/latest/meta-data/',
            'https://[::1]/hook',
            'https://127.0.0.1:99999/',
            '',
            `https://${'a'.repeat(2100)}.example/`,
            s(),
          ]),
          events: [rng.pick(['customer.created', 'nope.event', '*', ''])],
          description: s(),
        },
        '{ endpoint { id } secret }',
      ),
    () =>
      one(
        'updateWebhookEndpoint',
        'UpdateWebhookEndpointInput',
        { id: bogusId(rng, ctx), url: 'https://10.0.0.1/x', rotateSecret: true, secretGraceSeconds: rng.pick([-1, 604_801]) },
        '{ endpoint { id } secret }',
      ),
    () => one('deleteWebhookEndpoint', 'DeleteWebhookEndpointInput', { id: bogusId(rng, ctx) }, '{ deletedId }'),
    () => one('retryWebhookDelivery', 'RetryWebhookDeliveryInput', { id: bogusId(rng, ctx) }, '{ delivery { id } }'),
    // Something unknown, or an input of the wrong shape: never valid.
    () => ({ field: 'createCustomer', args: 'input: $input', selection: '{ customer { id } }', vars: { input: ['CreateCustomerInput!', { name: 'N', email: 'n@example.com', isAdmin: true }] } }),
    () => ({ field: 'createProduct', args: 'input: $input', selection: '{ product { id } }', vars: { input: ['CreateProductInput!', { name: v(), priceCents: v(), capacity: '5' }] } }),
    () => ({ field: 'dropAllTables', args: 'confirm: true', selection: '', vars: {} }),
  ])();
}

/** A mutation of 1 to 3 poisoned root fields, with its variables. */
function poisonedMutation(rng: Rng, ctx: HostileContext): Operation {
  const fields = Array.from({ length: rng.pick([1, 1, 1, 2, 3]) }, () => poisonedField(rng, ctx));
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const selections = fields.map((field, i) => {
    let args = field.args;
    for (const [name, [type, value]] of Object.entries(field.vars)) {
      definitions.push(`$${name}${i}: ${type}`);
      variables[`${name}${i}`] = value;
      args = args.replace(`$${name}`, `$${name}${i}`);
    }
    return `m${i}: ${field.field}(${args}) ${field.selection}`;
  });
  const name = rng.pick(['', 'Hostile', 'Write']);
  const header = definitions.length ? `mutation ${name}(${definitions.join(', ')})` : `mutation ${name}`;
  return { query: `${header} { ${selections.join(' ')} }`, variables };
}

// ---------------------------------------------------------------------------
// Categories

/** POST bodies of random bytes, under various content types. */
const randomBytes: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const length = rng.pick([0, 1, 2, 16, 256, 4096, rng.int(1, 65_536)]);
  let body = rng.bytes(length);
  // Sometimes random bytes that start like JSON, so the parser gets further.
  if (rng.chance(0.3)) body = Buffer.concat([utf8(rng.pick(['{', '{"query":', '[', '{"query":"{', '"'])), body]);
  const type = rng.pick([undefined, 'application/json', 'application/json', 'application/octet-stream', 'text/plain', 'application/graphql']);
  return { variant: `${type ?? 'no content-type'}, ${length} bytes`, auth, headers: { ...headers, ...(type ? { 'content-type': type } : {}) }, body };
};

/** A valid request body cut short at a random point. */
const truncatedJson: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const op = rng.chance(0.3) ? poisonedMutation(rng, ctx) : rng.pick(operations(ctx));
  const full = opBody(op);
  const cut = rng.int(0, full.length - 1);
  return { variant: `cut at ${cut}/${full.length}`, auth, headers: { ...headers, ...JSON_TYPE }, body: full.subarray(0, cut) };
};

/** Valid JSON, wrong GraphQL-over-HTTP shape. */
const wrongShape: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const op = rng.pick(operations(ctx));
  const q = JSON.stringify(op.query);
  const shapes: [string, string][] = [
    ['array of operations', `[${JSON.stringify(op)}]`],
    ['empty array', '[]'],
    ['nested arrays', '[[[]]]'],
    ['number', rng.pick(['0', '-1', '1e999', '3.14'])],
    ['string', JSON.stringify(op.query)],
    ['null', 'null'],
    ['boolean', rng.pick(['true', 'false'])],
    ['empty object', '{}'],
    ['query a number', `{"query":${rng.pick(['1', '-0', '1e999'])}}`],
    ['query null', '{"query":null}'],
    ['query an object', `{"query":{"query":${q}}}`],
    ['query an array', `{"query":[${q}]}`],
    ['query a boolean', '{"query":true}'],
    ['query empty', `{"query":${rng.pick(['""', '" "', '"\\n"', '"#"'])}}`],
    ['variables a string', `{"query":${q},"variables":${rng.pick(['"{}"', '"n=5"', '""', JSON.stringify(JSON.stringify(op.variables ?? {}))])}}`],
    ['variables an array', `{"query":${q},"variables":[${JSON.stringify(op.variables ?? {})}]}`],
    ['variables a number', `{"query":${q},"variables":${rng.pick(['5', '0', '-1', 'true'])}}`],
    ['operationName not a string', `{"query":${q},"operationName":${rng.pick(['5', '{}', '[]', 'true', '["a"]'])}}`],
    ['operationName unknown', `{"query":${q},"operationName":${JSON.stringify(hostileString(rng))}}`],
    ['several operations, no operationName', JSON.stringify({ query: `query A { viewer { effectiveScopes } } ${rng.pick(['query B { scopes { name } }', 'mutation B { deleteCustomer(input: { id: "x" }) { deletedId } }'])}` })],
    ['extensions a string', `{"query":${q},"extensions":"junk"}`],
    ['extensions an array', `{"query":${q},"extensions":[1,2,3]}`],
    ['extensions junk', `{"query":${q},"extensions":${JSON.stringify({ junk: hostileValue(rng), cost: -1, tracing: true, clientLibrary: { name: hostileString(rng) } })}}`],
    [
      'persisted query junk',
      `{${rng.chance(0.5) ? `"query":${q},` : ''}"extensions":{"persistedQuery":${rng.pick([
        '{"version":1,"sha256Hash":"deadbeef"}',
        '{"version":2,"sha256Hash":"x"}',
        '{"version":1}',
        '"x"',
        '{"version":"1","sha256Hash":123}',
        `{"version":1,"sha256Hash":"${'0'.repeat(64)}"}`,
      ])}}}`,
    ],
    ['unknown top-level keys', `{"query":${q},"id":1,"mutation":"x","__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}`],
    ['__proto__ carrying the query', `{"__proto__":{"query":${q}}}`],
    ['duplicate keys', `{"query":"{ viewer { effectiveScopes } }","query":${q},"variables":null,"variables":${JSON.stringify(op.variables ?? {})}}`],
    ['batch of mixed junk', `[${q},1,null,{"query":1},${JSON.stringify(op)}]`],
    ['only variables', `{"variables":${JSON.stringify(op.variables ?? { a: 1 })}}`],
    ['trailing garbage', `${JSON.stringify(op)}${rng.pick(['x', '}', ',', ' {}', '\u0000'])}`],
    ['leading garbage', `${rng.pick(['x', ')]}\'\n', '\u0000'])}${JSON.stringify(op)}`],
  ];
  const [variant, text] = rng.pick(shapes);
  return { variant, auth, headers: { ...headers, ...JSON_TYPE }, body: utf8(text) };
};

/** Wrong, missing and odd content types, with and without Apollo's preflight headers. */
const contentType: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const op = rng.chance(0.3) ? poisonedMutation(rng, ctx) : rng.pick(operations(ctx));
  const types: [string, string | undefined, () => Buffer][] = [
    ['text/plain', 'text/plain', () => opBody(op)],
    ['text/plain;charset=utf-8', 'text/plain;charset=UTF-8', () => opBody(op)],
    ['multipart without boundary', 'multipart/form-data', () => opBody(op)],
    [
      'multipart',
      'multipart/form-data; boundary=XyZ',
      () => utf8(`--XyZ\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify(op)}\r\n--XyZ\r\nContent-Disposition: form-data; name="map"\r\n\r\n{}\r\n--XyZ--\r\n`),
    ],
    ['form-urlencoded', 'application/x-www-form-urlencoded', () => utf8(`query=${uriComponent(op.query)}&variables=${uriComponent(JSON.stringify(op.variables ?? {}))}`)],
    ['no content-type', undefined, () => opBody(op)],
    ['json; charset=latin1', 'application/json; charset=latin1', () => Buffer.from(JSON.stringify(op), 'latin1')],
    ['json; charset=utf-16', 'application/json; charset=utf-16', () => Buffer.from(JSON.stringify(op), 'utf16le')],
    ['json; charset=bogus', `application/json; charset=${rng.pick(['bogus', '', '"utf-8"', 'utf-8; charset=ascii', '../../x'])}`, () => opBody(op)],
    ['json with junk parameters', `application/json; ${rng.pick(['a', ';;;', 'q=0.1; q=0.2', 'boundary=--', '=', 'x="unterminated'])}`, () => opBody(op)],
    ['upper-case json', 'APPLICATION/JSON', () => opBody(op)],
    ['application/graphql', 'application/graphql', () => utf8(op.query)],
    ['graphql-response+json as request type', 'application/graphql-response+json', () => opBody(op)],
    ['json-ish', rng.pick(['application/jsonx', 'application/json5', 'text/json', 'application/x-json', 'application/ld+json', 'application/vnd.api+json']), () => opBody(op)],
    ['malformed', rng.pick(['application/', '/json', ';', ',', 'application/json, text/plain', '*/*', 'application/*', ' application/json', 'application json']), () => opBody(op)],
    ['very long content-type', `application/json; x=${'y'.repeat(rng.pick([1000, 8000]))}`, () => opBody(op)],
    ['xml', 'application/xml', () => utf8(`<?xml version="1.0"?><query>${op.query}</query>`)],
    ['octet-stream', 'application/octet-stream', () => opBody(op)],
  ];
  const [variant, type, makeBody] = rng.pick(types);
  const extra: Record<string, string> = {};
  if (rng.chance(0.4)) extra['apollo-require-preflight'] = 'true';
  if (rng.chance(0.2)) extra.accept = rng.pick(['text/html', 'application/xml', '*/*;q=0', 'application/graphql-response+json;q=2', '', 'image/png, */*;q=0.0']);
  return { variant, auth, headers: { ...headers, ...extra, ...(type === undefined ? {} : { 'content-type': type }) }, body: makeBody() };
};

/** GET /graphql with bad, missing, duplicated and mis-encoded parameters. */
const getParams: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const op = rng.chance(0.2) ? poisonedMutation(rng, ctx) : rng.pick(operations(ctx));
  const q = uriComponent(op.query);
  const vars = uriComponent(JSON.stringify(op.variables ?? {}));
  const queries: [string, string][] = [
    ['no parameters', ''],
    ['empty query', '?query='],
    ['query only', `?query=${q}`],
    ['variables invalid JSON', `?query=${q}&variables=${rng.pick(['%7B', '{', 'x', '%7B%22a%22%3A', 'null', '5', '%22str%22', '[]'])}`],
    ['extensions invalid JSON', `?query=${q}&extensions=${rng.pick(['%7B', '{', 'x', '[1]', '%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22ab%22%7D%7D'])}`],
    ['duplicate query', `?query=${uriComponent('{ viewer { effectiveScopes } }')}&query=${q}`],
    ['duplicate variables', `?query=${q}&variables=${vars}&variables=%7B%7D`],
    ['operationName junk', `?query=${q}&operationName=${uriComponent(hostileString(rng))}`],
    ['invalid percent-encoding', `?query=${rng.pick(['%', '%Z', '%ZZ', '%%', '%E0%A4%A', '%G0'])}${q}`],
    ['invalid UTF-8 percent-encoded', `?query=${rng.pick(['%FF', '%C0%80', '%ED%A0%80', '%F8%88%80%80%80', '%FE%FF'])}${q}`],
    ['raw non-ASCII', `?query=${headerBytes(utf8('{ viewer { キー } }')).replace(/ /g, '%20')}`],
    ['array-style params', `?query[]=${q}&variables[a]=1`],
    ['semicolons', `?query=${q};variables=${vars}`],
    ['fragment in URL', `?query=${q}#${vars}`],
    ['mutation over GET', `?query=${uriComponent(poisonedMutation(rng, ctx).query)}`],
    ['long query string', `?query=${uriComponent(`{ viewer { ${'effectiveScopes '.repeat(rng.pick([100, 500, 900]))}} }`)}`],
    ['URL over the header size limit', `?query=${'x'.repeat(rng.pick([17_000, 30_000]))}`],
    ['path junk', rng.pick(['/', '//', '/.', '/..', '%2F..%2Fhealthz', '/%00', ';jsessionid=1', '?'])],
  ];
  const [variant, search] = rng.pick(queries);
  const preflight: Record<string, string> = rng.chance(0.7) ? { 'apollo-require-preflight': 'true' } : rng.chance(0.5) ? { 'x-apollo-operation-name': 'Q' } : {};
  return { variant, auth, method: 'GET', path: `/graphql${search}`, headers: { ...headers, ...preflight } };
};

/** Documents just under and just over BODY_LIMIT_BYTES. */
const hugeDocument: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const limit = ctx.bodyLimit;
  const over = rng.chance(0.5);
  const target = over ? limit + rng.pick([1, 100, 4096, limit]) : limit - rng.int(64, 2048);
  const shell = (filler: string) => jsonBody(filler);
  const fill = (make: (n: number) => string): Buffer => {
    // Every filler is ASCII and `n` characters longer than make(0) for n > 0: size it to `target` bytes exactly.
    const base = shell(make(1000)).length - 1000;
    return shell(make(target - base));
  };
  const kinds: [string, (n: number) => string][] = [
    ['whitespace', (n) => `{ viewer { effectiveScopes } }${' '.repeat(n)}`],
    ['comment', (n) => `#${'c'.repeat(n)}\n{ viewer { effectiveScopes } }`],
    ['string literal', (n) => `{ customers(first: 1, search: "${'s'.repeat(n)}") { edges { cursor } } }`],
    ['block string', (n) => `{ customers(first: 1, search: """${'b'.repeat(n)}""") { edges { cursor } } }`],
    ['many fields', (n) => `{ viewer { ${'effectiveScopes '.repeat(Math.floor(n / 16))}${' '.repeat(n % 16)}} }`],
    ['long field name', (n) => `{ viewer { ${'f'.repeat(Math.max(1, n))} } }`],
    ['many aliases', (n) => `{ viewer { ${'a: effectiveScopes '.repeat(Math.floor(n / 19))}${' '.repeat(n % 19)}} }`],
    ['long operation name', (n) => `query ${'Q'.repeat(Math.max(1, n))} { viewer { effectiveScopes } }`],
  ];
  const [kind, make] = rng.pick(kinds);
  const body = fill(make);
  const chunked = over && rng.chance(0.25);
  return {
    variant: `${kind}, ${over ? 'over' : 'under'} the limit (${body.length} bytes${chunked ? ', chunked' : ''})`,
    auth,
    headers: { ...headers, ...JSON_TYPE },
    body,
    chunked,
    ...(over ? { expect: { status: 413, code: 'PAYLOAD_TOO_LARGE' } } : {}),
  };
};

/** Selections, lists, input objects and parentheses nested far too deep. */
const deepNesting: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const depth = rng.pick([13, 50, 200, 1000, 5000, 20_000, 100_000]);
  const kinds: [string, () => Buffer][] = [
    ['selection nesting (unknown fields)', () => jsonBody(`{ ${'a { '.repeat(depth)}b${' }'.repeat(depth)} }`)],
    [
      'selection nesting (real fields)',
      () => {
        let inner = 'id';
        for (let i = 0; i < Math.min(depth, 400); i++) inner = `customer { bookings(first: 1) { edges { node { ${inner} } } } }`;
        return jsonBody(`{ bookings(first: 1) { edges { node { ${inner} } } } }`);
      },
    ],
    ['inline fragment nesting', () => jsonBody(`{ ${'... on Query { '.repeat(depth)}__typename${' }'.repeat(depth)} }`)],
    ['nested parentheses', () => jsonBody(`{ products(first: ${'('.repeat(depth)}1${')'.repeat(depth)}) { edges { cursor } } }`)],
    ['nested list literal', () => jsonBody(`{ products(first: ${'['.repeat(depth)}1${']'.repeat(depth)}) { edges { cursor } } }`)],
    ['nested object literal', () => jsonBody(`{ bookings(filter: ${'{ status: '.repeat(depth)}CONFIRMED${' }'.repeat(depth)}) { edges { cursor } } }`)],
    ['nested list variable', () => jsonBody('query Q($v: [[Int]]) { viewer { effectiveScopes } }', `{"v":${'['.repeat(depth)}1${']'.repeat(depth)}}`)],
    ['nested list for Int', () => jsonBody('query Q($v: Int) { products(first: $v) { edges { cursor } } }', `{"v":${'['.repeat(depth)}${']'.repeat(depth)}}`)],
    ['nested input object variable', () => jsonBody('query Q($v: BookingFilter) { bookings(filter: $v) { edges { cursor } } }', `{"v":${'{"status":'.repeat(depth)}"CONFIRMED"${'}'.repeat(depth)}}`)],
    [
      'nested JSON scalar variable',
      () => jsonBody('query Q($v: JSON) { requiredScopes(query: "{ viewer { effectiveScopes } }", variables: $v) { minimalScopes } }', `{"v":${'{"a":['.repeat(depth)}0${']}'.repeat(depth)}}`),
    ],
    [
      'nested mutation input',
      () => jsonBody('mutation M($v: CreateCustomerInput!) { createCustomer(input: $v) { customer { id } } }', `{"v":{"name":"N","email":"bad",${'"x":{'.repeat(depth)}"y":1${'}'.repeat(depth)}}}`),
    ],
    ['nested extensions', () => jsonBody('{ viewer { effectiveScopes } }', undefined, `,"extensions":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)],
    ['nested body array', () => utf8(`${'['.repeat(depth)}${']'.repeat(depth)}`)],
    ['unclosed nesting', () => jsonBody(`{ ${'a { '.repeat(depth)}`)],
    ['unclosed JSON', () => utf8(`{"query":"{ viewer { effectiveScopes } }","variables":${'['.repeat(depth)}`)],
  ];
  const [variant, make] = rng.pick(kinds);
  return { variant: `${variant}, depth ${depth}`, auth, headers: { ...headers, ...JSON_TYPE }, body: make() };
};

/** Aliases and duplicated fields by the thousand, and fragments that multiply them. */
const aliasBomb: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const n = rng.pick([15, 16, 50, 500, 3000]);
  const kinds: [string, () => string][] = [
    ['aliases of one field', () => `{ viewer { ${Array.from({ length: n }, (_, i) => `a${i}: effectiveScopes`).join(' ')} } }`],
    ['aliased root connections', () => `{ ${Array.from({ length: n }, (_, i) => `p${i}: products(first: 100) { edges { node { id name } } }`).join(' ')} }`],
    ['duplicated field', () => `{ viewer { ${'effectiveScopes '.repeat(n)}} }`],
    ['duplicated root field', () => `{ ${'scopes { name description category } '.repeat(n)}}`],
    ['same alias, conflicting fields', () => `{ ${Array.from({ length: n }, (_, i) => `a: ${i % 2 ? 'viewer { effectiveScopes }' : 'scopes { name }'}`).join(' ')} }`],
    ['same alias, conflicting arguments', () => `{ ${Array.from({ length: Math.min(n, 400) }, (_, i) => `a: products(first: ${(i % 100) + 1}) { edges { cursor } }`).join(' ')} }`],
    ['aliases named like prototype properties', () => `{ __proto__: viewer { effectiveScopes } constructor: __typename toString: __typename hasOwnProperty: scopes { name } valueOf: __typename }`],
    ['aliases of __typename', () => `{ ${Array.from({ length: n }, (_, i) => `t${i}: __typename`).join(' ')} }`],
    [
      'fragment spread many times',
      () => `query { viewer { ${'...F '.repeat(n)}} } fragment F on Viewer { ${Array.from({ length: 10 }, (_, i) => `x${i}: effectiveScopes`).join(' ')} }`,
    ],
    [
      'exponential fragments',
      () => {
        const levels = rng.pick([10, 20, 30, 60]);
        const fragments = Array.from({ length: levels }, (_, i) => (i === 0 ? 'fragment F0 on Query { a: __typename b: scopes { name } }' : `fragment F${i} on Query { ...F${i - 1} ...F${i - 1} x${i}: __typename }`));
        return `{ ...F${levels - 1} } ${fragments.join(' ')}`;
      },
    ],
    [
      'exponential nested fragments',
      () => {
        const levels = rng.pick([8, 16, 24]);
        const fragments = Array.from({ length: levels }, (_, i) =>
          i === 0 ? 'fragment N0 on Customer { id name }' : `fragment N${i} on Customer { ...N${i - 1} bookings(first: 100) { edges { node { customer { ...N${i - 1} } } } } }`,
        );
        return `{ customers(first: 100) { edges { node { ...N${levels - 1} } } } } ${fragments.join(' ')}`;
      },
    ],
    ['poisoned mutations, aliased', () => `mutation { ${Array.from({ length: Math.min(n, 60) }, (_, i) => `d${i}: deleteCustomer(input: { id: "${bogusId(rng, ctx).replace(/["\\\n\r]/g, '')}" }) { deletedId }`).join(' ')} }`],
  ];
  const [variant, make] = rng.pick(kinds);
  return { variant: `${variant} (${n})`, auth, headers: { ...headers, ...JSON_TYPE }, body: jsonBody(make()) };
};

/** Directives by the thousand, unknown, misplaced and repeated. */
const directiveFlood: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const n = rng.pick([50, 51, 200, 1000, 2500]);
  const kinds: [string, () => Buffer][] = [
    ['@include on one field', () => jsonBody(`{ viewer { effectiveScopes${' @include(if: true)'.repeat(n)} } }`)],
    ['@skip and @include mixed', () => jsonBody(`{ viewer { effectiveScopes${Array.from({ length: n }, (_, i) => (i % 2 ? ' @skip(if: false)' : ' @include(if: true)')).join('')} } }`)],
    ['unknown directives', () => jsonBody(`{ viewer { effectiveScopes${Array.from({ length: n }, (_, i) => ` @d${i}`).join('')} } }`)],
    ['one unknown directive repeated', () => jsonBody(`{ viewer${' @nope'.repeat(n)} { effectiveScopes } }`)],
    ['@requiresScope in a query', () => jsonBody(`{ customers(first: 1) @requiresScope(scopes: ["admin"]) { edges { cursor } } }`)],
    ['@deprecated in a query', () => jsonBody('{ viewer @deprecated(reason: "x") { effectiveScopes } }')],
    ['directives on the operation', () => jsonBody(`query Q${' @include(if: true)'.repeat(n)} { viewer { effectiveScopes } }`)],
    ['directives on fragments', () => jsonBody(`{ viewer { ...F${' @skip(if: false)'.repeat(n)} } } fragment F on Viewer${' @include(if: true)'.repeat(n)} { effectiveScopes }`)],
    ['directive variable of the wrong type', () => jsonBody('query Q($b: Boolean!) { viewer { effectiveScopes @include(if: $b) } }', rng.pick(['{"b":"yes"}', '{"b":1}', '{}', '{"b":null}', '{"b":[true]}']))],
    ['directive with missing or extra arguments', () => jsonBody(`{ viewer { effectiveScopes @include ${rng.pick(['', '(if: true, if: false)', '(iff: true)', '(if: "true")', '(if: null)'])} } }`)],
    ['@defer and @stream', () => jsonBody('{ viewer { ... @defer { effectiveScopes } } scopes @stream(initialCount: 0) { name } }')],
    ['directives on a poisoned mutation', () => opBody(((m) => ({ ...m, query: m.query.replace(/\) \{/g, `)${' @include(if: true)'.repeat(Math.min(n, 60))} {`) }))(poisonedMutation(rng, ctx)))],
  ];
  const [variant, make] = rng.pick(kinds);
  return { variant: `${variant} (${n})`, auth, headers: { ...headers, ...JSON_TYPE }, body: make() };
};

/** Fragments that spread themselves, in cycles short and long, and other broken fragments. */
const fragmentCycle: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const n = rng.pick([2, 3, 10, 100, 300]);
  const kinds: [string, () => string][] = [
    ['self-spread', () => '{ viewer { ...A } } fragment A on Viewer { effectiveScopes ...A }'],
    ['two-fragment cycle', () => '{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }'],
    ['long cycle', () => `{ ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { __typename ...F${(i + 1) % n} }`).join(' ')}`],
    ['cycle through nested selections', () => '{ customers { edges { node { ...C } } } } fragment C on Customer { bookings { edges { node { customer { ...C } } } } }'],
    ['cycle through inline fragments', () => '{ ...A } fragment A on Query { ... on Query { ... on Query { ...A } } }'],
    ['many cycles', () => `{ __typename } ${Array.from({ length: n }, (_, i) => `fragment C${i} on Query { ...C${i} }`).join(' ')}`],
    ['undefined fragment', () => '{ viewer { ...Nope } }'],
    ['fragment on unknown type', () => '{ viewer { ...A } } fragment A on Nope { id }'],
    ['fragment on a scalar', () => '{ viewer { ...A } } fragment A on String { length }'],
    ['fragment on an impossible type', () => '{ viewer { ...A } } fragment A on Customer { email }'],
    ['duplicate fragment names', () => '{ viewer { ...A } } fragment A on Viewer { effectiveScopes } fragment A on Viewer { account { name } }'],
    ['unused fragments', () => `{ __typename } ${Array.from({ length: n }, (_, i) => `fragment U${i} on Query { __typename }`).join(' ')}`],
    ['fragment named on', () => '{ viewer { ...on } } fragment on on Viewer { effectiveScopes }'],
    ['spread inside its own definition via a mutation', () => 'mutation { ...M } fragment M on Mutation { deleteCustomer(input: { id: "x" }) { deletedId } ...M }'],
    ['variables in a cyclic fragment', () => 'query Q($id: ID!) { ...A } fragment A on Query { node(id: $id) { id } ...B } fragment B on Query { ...A }'],
  ];
  const [variant, make] = rng.pick(kinds);
  const variables = variant.startsWith('variables') ? JSON.stringify({ id: bogusId(rng, ctx) }) : undefined;
  return { variant, auth, headers: { ...headers, ...JSON_TYPE }, body: jsonBody(make(), variables) };
};

const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf], // overlong "/"
  [0xc0, 0x80], // overlong NUL
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80], // a surrogate, encoded
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xe2, 0x82], // truncated
  [0x80],
  [0xbf, 0xbf],
].map((bytes) => Buffer.from(bytes));

/** Bytes that are not UTF-8, in the body, in strings, in variables and in headers. */
const invalidUtf8: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const bad = () => Buffer.concat(Array.from({ length: rng.int(1, 4) }, () => rng.pick(INVALID_UTF8)));
  const op = rng.chance(0.3) ? poisonedMutation(rng, ctx) : rng.pick(operations(ctx));
  const text = JSON.stringify(op);
  /** `text` with invalid bytes spliced in at `count` random places. */
  const splice = (source: string, count: number) => {
    const bytes = utf8(source);
    const parts: Buffer[] = [];
    let last = 0;
    for (const at of Array.from({ length: count }, () => rng.int(0, bytes.length)).sort((a, b) => a - b)) {
      parts.push(bytes.subarray(last, at), bad());
      last = at;
    }
    parts.push(bytes.subarray(last));
    return Buffer.concat(parts);
  };
  /** Invalid bytes inside one JSON string value of the body (a key or a value). */
  const insideString = () => {
    const bytes = utf8(text);
    const quotes = [...text.matchAll(/"(?=[^"]*")/g)].map((m) => m.index!);
    const at = quotes.length ? Buffer.byteLength(text.slice(0, rng.pick(quotes) + 1)) : 0;
    return Buffer.concat([bytes.subarray(0, at), bad(), bytes.subarray(at)]);
  };
  const kinds: [string, () => { body?: Buffer; headers?: Record<string, string>; method?: string; path?: string }][] = [
    ['inside a string', () => ({ body: insideString() })],
    ['anywhere in the body', () => ({ body: splice(text, rng.int(1, 5)) })],
    ['in the query document', () => ({ body: Buffer.concat([utf8('{"query":"{ viewer { '), bad(), utf8(' effectiveScopes } }"}')]) })],
    ['in a variable value', () => ({ body: Buffer.concat([utf8('{"query":"query Q($s: String) { customers(first: 1, search: $s) { edges { cursor } } }","variables":{"s":"'), bad(), utf8('"}}')]) })],
    ['in a variable name', () => ({ body: Buffer.concat([utf8('{"query":"query Q($s: String) { viewer { effectiveScopes } }","variables":{"'), bad(), utf8('":1}}')]) })],
    [
      'in mutation strings',
      () => ({
        body: Buffer.concat([
          utf8('{"query":"mutation M($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }","variables":{"i":{"name":"'),
          bad(),
          utf8('","email":"'),
          bad(),
          utf8('"}}}'),
        ]),
      }),
    ],
    ['BOM first', () => ({ body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(text)]) })],
    ['UTF-16 body', () => ({ body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) })],
    ['UTF-32-ish body', () => ({ body: Buffer.from(text.split('').flatMap((c) => [c.charCodeAt(0) & 0xff, 0, 0, 0])) })],
    ['raw NUL and control bytes', () => ({ body: Buffer.from(utf8(text).map((b) => (rng.chance(0.05) ? rng.int(0, 31) : b))) })],
    ['escaped lone surrogates', () => ({ body: utf8(`{"query":"{ customers(first: 1, search: \\"\\ud800\\udc00\\udfff\\") { edges { cursor } } }","variables":{"x":"\\ud83d"}}`) })],
    ['in the Authorization header', () => ({ headers: { authorization: headerBytes(Buffer.concat([utf8('Bearer '), bad(), utf8(ctx.keys.admin)])) }, body: utf8(text) })],
    ['in another header', () => ({ headers: { [rng.pick(['x-apollo-operation-name', 'origin', 'user-agent', 'apollographql-client-name', 'x-forwarded-for'])]: headerBytes(bad()) }, body: utf8(text) })],
    ['in the query string', () => ({ method: 'GET', path: `/graphql?query=${headerBytes(Buffer.concat([utf8('{ viewer { '), bad(), utf8(' } }')])).replace(/ /g, '%20')}`, headers: { 'apollo-require-preflight': '1' } })],
  ];
  const [variant, make] = rng.pick(kinds);
  const made = make();
  return {
    variant,
    auth: made.headers?.authorization ? 'bogus' : auth,
    method: made.method ?? 'POST',
    path: made.path ?? '/graphql',
    headers: { ...headers, ...JSON_TYPE, ...made.headers },
    body: made.body,
  };
};

/** Each typed variable fed values of the wrong type: strings for Int, numbers past Int32, objects for scalars, unknown enums. */
const wrongVariableTypes: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  if (rng.chance(0.2)) {
    // Variables missing, extra or null where they must not be.
    const [variant, query, variables] = rng.pick<[string, string, string]>([
      ['missing required variable', 'query Q($v: ID!) { node(id: $v) { id } }', '{}'],
      ['null for non-null', 'query Q($v: ID!) { node(id: $v) { id } }', '{"v":null}'],
      ['undeclared variable used', '{ node(id: $v) { id } }', '{"v":"x"}'],
      ['unused variable declared', 'query Q($v: Int) { viewer { effectiveScopes } }', '{"v":"x"}'],
      ['variable declared twice', 'query Q($v: Int, $v: String) { products(first: $v) { edges { cursor } } }', '{"v":1}'],
      ['extra unknown variables', 'query Q($v: Int) { products(first: $v) { edges { cursor } } }', JSON.stringify({ v: 1, ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, hostileValue(rng)])) })],
      ['unknown input fields', 'query Q($v: BookingFilter) { bookings(filter: $v) { edges { cursor } } }', JSON.stringify({ v: { status: 'CONFIRMED', drop: 'table', __proto__x: 1 } })],
      ['input object for a list', 'query Q($v: CreateApiKeyInput!) { viewer { effectiveScopes } }', JSON.stringify({ v: { name: 'k', scopes: { a: 1 } } })],
      ['literal of the wrong type', `{ products(first: "${rng.pick(['10', 'ten', ''])}") { edges { cursor } } }`, '{}'],
      ['literal past Int32', `{ products(first: ${rng.pick(['2147483648', '-2147483649', '99999999999999999999', '1e3', '1.0'])}) { edges { cursor } } }`, '{}'],
      ['enum literal unknown', `{ apiKeys(status: ${rng.pick(['ACTIV', 'active', '"ACTIVE"', 'null', 'true', 'ACTIVE_'])}) { edges { cursor } } }`, '{}'],
      ['DateTime literal bad', `{ reports { bookingSummary(from: ${rng.pick(['"yesterday"', '0', 'true', '"2026-02-30T00:00:00Z"', '{}', '[]', '"9999-99-99T99:99:99Z"'])}, to: "2040-01-01T00:00:00Z") { revenueCents } } }`, '{}'],
      ['availability window bad', `{ availability(productId: "${ctx.ids.product}", from: "${rng.pick(['0001-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '2030-01-05T00:00:00Z'])}", to: "${rng.pick(['0001-01-02T00:00:00Z', '9999-12-31T23:59:59Z', '2030-01-01T00:00:00Z', '2035-01-01T00:00:00Z'])}") { available } }`, '{}'],
    ]);
    return { variant, auth, headers: { ...headers, ...JSON_TYPE }, body: jsonBody(query, variables) };
  }
  const query = rng.pick(typedOperations(ctx));
  const raw = rng.pick(RAW_VALUES);
  return { variant: `${query.slice(0, query.indexOf(')') + 1)} = ${raw}`, auth, headers: { ...headers, ...JSON_TYPE }, body: jsonBody(query, `{"v":${raw}}`) };
};

/** Long strings near the body limit, giant arrays and objects as variables. */
const enormousVariables: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const room = ctx.bodyLimit - 1024;
  const length = rng.pick([10_000, 100_000, Math.floor(room / 2), room]);
  const kinds: [string, () => Buffer][] = [
    ['long search string', () => jsonBody('query Q($s: String) { customers(first: 1, search: $s) { edges { cursor } } }', JSON.stringify({ s: 'x'.repeat(length) }))],
    ['long multi-byte string', () => jsonBody('query Q($s: String) { customers(first: 1, search: $s) { edges { cursor } } }', JSON.stringify({ s: 'é'.repeat(Math.floor(length / 2)) }))],
    ['long escaped string', () => jsonBody('query Q($s: String) { customers(first: 1, search: $s) { edges { cursor } } }', `{"s":"${'\\u0000'.repeat(Math.floor(length / 6))}"}`)],
    ['long ID', () => jsonBody('query Q($id: ID!) { node(id: $id) { id } }', JSON.stringify({ id: 'Q'.repeat(length) }))],
    ['long cursor', () => jsonBody('query Q($a: String) { products(first: 1, after: $a) { edges { cursor } } }', JSON.stringify({ a: 'Yzox'.repeat(Math.floor(length / 4)) }))],
    ['long DateTime', () => jsonBody('query Q($d: DateTime!) { reports { bookingSummary(from: $d, to: $d) { revenueCents } } }', JSON.stringify({ d: `2026-01-01T00:00:00${'0'.repeat(length)}Z` }))],
    ['long customer name and email', () => jsonBody('mutation M($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }', JSON.stringify({ i: { name: 'n'.repeat(length / 2), email: `${'e'.repeat(length / 2)}@example.com` } }))],
    ['giant scope list', () => jsonBody('mutation M($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }', JSON.stringify({ i: { name: 'giant', scopes: Array.from({ length: Math.floor(length / 16) }, (_, i) => (i % 2 ? 'products:read' : 'nope:read')) } }))],
    ['giant allowlist', () => jsonBody('mutation M($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }', JSON.stringify({ i: { name: 'giant', scopes: ['products:read'], ipAllowlist: Array.from({ length: Math.floor(length / 12) }, (_, i) => `10.${i % 256}.0.0/99`) } }))],
    ['giant policy list', () => jsonBody('mutation M($i: CreateScopePolicyInput!) { createScopePolicy(input: $i) { policy { id } } }', JSON.stringify({ i: { name: 'giant', mode: 'DENY', scopes: Array.from({ length: Math.floor(length / 12) }, () => 'nope:read') } }))],
    ['giant array for a scalar', () => jsonBody('query Q($n: Int) { products(first: $n) { edges { cursor } } }', `{"n":[${'1,'.repeat(Math.floor(length / 2))}1]}`)],
    ['giant JSON scalar', () => jsonBody('query Q($v: JSON) { requiredScopes(query: "{ viewer { effectiveScopes } }", variables: $v) { minimalScopes } }', `{"v":[${'{},'.repeat(Math.floor(length / 3))}{}]}`)],
    ['giant object of variables', () => jsonBody('query Q($n: Int) { products(first: $n) { edges { cursor } } }', `{${Array.from({ length: Math.floor(length / 12) }, (_, i) => `"v${i}":${i}`).join(',')},"n":1}`)],
    ['many declared variables', () => jsonBody(`query Q(${Array.from({ length: 600 }, (_, i) => `$v${i}: String`).join(', ')}) { viewer { effectiveScopes } }`, JSON.stringify(Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`v${i}`, 'x'.repeat(Math.floor(length / 700))]))))],
  ];
  const [variant, make] = rng.pick(kinds);
  return { variant: `${variant} (~${length} bytes)`, auth, headers: { ...headers, ...JSON_TYPE }, body: make() };
};

/** Bogus, malformed and misplaced keys in Authorization (and keys refused for their origin). */
const bogusKey: Generator = (rng, ctx) => {
  const op = rng.chance(0.3) ? poisonedMutation(rng, ctx) : rng.pick(operations(ctx));
  if (rng.chance(0.12)) {
    // A valid publishable key from a browser origin it does not list: refused with ORIGIN_NOT_ALLOWED.
    const origin = rng.pick(['https://evil.example', 'null', 'https://shop.example.evil', 'https://SHOP.example', '', headerBytes(utf8('https://shöp.example'))]);
    return { variant: `publishable key from origin ${JSON.stringify(origin)}`, auth: 'bogus', headers: { authorization: `Bearer ${ctx.keys.publishable}`, origin, ...JSON_TYPE }, body: opBody(op) };
  }
  const { variant, value } = bogusAuthorization(rng, ctx);
  // Node keeps the first of several Authorization lines; it is a bogus one in every variant here.
  return { variant, auth: 'bogus', headers: { authorization: value, ...JSON_TYPE }, body: opBody(op) };
};

/** Poisoned mutations in every wrapping above. */
const hostileMutation: Generator = (rng, ctx) => {
  const op = poisonedMutation(rng, ctx);
  const body = opBody(op);
  // Half of them as well-formed JSON with the all-scopes key, so they execute and only the poison stops them.
  if (rng.chance(0.5)) return { variant: `as JSON with the admin key: ${op.query.slice(0, 80)}`, auth: 'admin', headers: { ...authHeader('admin', rng, ctx), ...JSON_TYPE }, body };
  const { auth, headers } = someAuth(rng, ctx);
  const carriers: [string, () => Partial<Draft>][] = [
    ['as JSON', () => ({})],
    ['as JSON', () => ({})],
    ['as JSON', () => ({})],
    ['truncated', () => ({ body: body.subarray(0, rng.int(0, body.length - 1)) })],
    ['as text/plain', () => ({ headers: { ...headers, 'content-type': 'text/plain', 'apollo-require-preflight': 'true' } })],
    ['as form-urlencoded', () => ({ headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: utf8(`query=${uriComponent(op.query)}`) })],
    ['without content-type', () => ({ headers })],
    ['over GET', () => ({ method: 'GET', path: `/graphql?query=${uriComponent(op.query)}&variables=${uriComponent(JSON.stringify(op.variables))}`, headers: { ...headers, 'apollo-require-preflight': 'true' }, body: undefined })],
    [
      'with invalid UTF-8 in its strings',
      () => {
        // Right after the first quote inside the variables: in a key or a string value.
        const text = body.toString('utf8');
        const quote = text.indexOf('"', text.indexOf('"variables":{') + '"variables":{'.length);
        const at = Buffer.byteLength(text.slice(0, quote + 1));
        return { body: Buffer.concat([body.subarray(0, at), rng.pick(INVALID_UTF8), body.subarray(at)]) };
      },
    ],
    ['variables as a string', () => ({ body: jsonBody(op.query, JSON.stringify(JSON.stringify(op.variables))) })],
    ['variables of the wrong type', () => ({ body: jsonBody(op.query, JSON.stringify(Object.fromEntries(Object.keys(op.variables ?? {}).map((k) => [k, hostileValue(rng)])))) })],
    ['with a bogus key', () => ({ auth: 'bogus' as AuthKind, headers: { ...JSON_TYPE, authorization: bogusAuthorization(rng, ctx).value } })],
    ['by a key without the scope', () => ({ auth: 'limited' as AuthKind, headers: { ...JSON_TYPE, authorization: `Bearer ${ctx.keys.limited}` } })],
    ['by a revoked key', () => ({ auth: 'revoked' as AuthKind, headers: { ...JSON_TYPE, authorization: `Bearer ${ctx.keys.revoked}` } })],
    ['in a batch', () => ({ body: utf8(`[${JSON.stringify(op)},${JSON.stringify(op)}]`) })],
    ['with a persisted-query hash', () => ({ body: jsonBody(op.query, JSON.stringify(op.variables), ',"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}') })],
    ['with an operationName that is not there', () => ({ body: jsonBody(op.query, JSON.stringify(op.variables), ',"operationName":"Other"') })],
  ];
  const [variant, carry] = rng.pick(carriers);
  const carried = carry();
  return { variant: `${variant}: ${op.query.slice(0, 80)}`, auth, headers: { ...headers, ...JSON_TYPE }, body, ...carried };
};

/** Bytes on a raw socket: bad Host, wrong Content-Length, broken chunking, framing a parser must refuse. */
const rawHttp: Generator = (rng, ctx) => {
  const key = rng.chance(0.6) ? ctx.keys.admin : undefined;
  const auth: AuthKind = key ? 'admin' : 'none';
  const authLine = key ? `Authorization: Bearer ${key}\r\n` : '';
  const json = JSON.stringify(rng.pick(operations(ctx)));
  const len = Buffer.byteLength(json);
  const request = (head: string, body = json) => Buffer.concat([utf8(head), utf8(body)]);
  const kinds: [string, () => Buffer][] = [
    ['bad Host', () => request(`POST /graphql HTTP/1.1\r\nHost: ${rng.pick(['a b', '[', '[::1', 'ex%ample.com', 'a<b', 'a|b', '"', '\\\\', '{}', 'a^b', ':', '::::', '@', 'host:99999999', 'a/b?c#d'])}\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['missing Host', () => request(`POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['HTTP/1.0 without Host', () => request(`POST /graphql HTTP/1.0\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\n\r\n`)],
    ['two Host headers', () => request(`POST /graphql HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['Content-Length too small', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${rng.int(0, len - 1)}\r\nConnection: close\r\n\r\n`)],
    ['Content-Length too large', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len + rng.int(1, 1000)}\r\nConnection: close\r\n\r\n`)],
    ['Content-Length junk', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${rng.pick(['-1', 'abc', '1e3', '0x10', '99999999999999999999', ' ', `${len}, ${len + 1}`])}\r\nConnection: close\r\n\r\n`)],
    ['two Content-Lengths', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nContent-Length: ${len + 5}\r\nConnection: close\r\n\r\n`)],
    ['Content-Length and chunked', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, `${len.toString(16)}\r\n${json}\r\n0\r\n\r\n`)],
    ['bad chunk size', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, `${rng.pick(['zz', '-1', 'ffffffffffffffffffff', '', '1;ext="x'])}\r\n${json}\r\n0\r\n\r\n`)],
    ['chunk size lies', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, `${(len + 10).toString(16)}\r\n${json}\r\n0\r\n\r\n`)],
    ['unknown Transfer-Encoding', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Transfer-Encoding: ${rng.pick(['gzip', 'chunked, gzip', 'identity', 'xchunked', 'chunked\t'])}\r\nConnection: close\r\n\r\n`)],
    ['Content-Encoding gzip, not gzipped', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: ${rng.pick(['gzip', 'br', 'deflate', 'bogus'])}\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['header without a colon', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nJustAName\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['NUL in a header', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\u0000\r\nAuthorization: Bearer \u0000${ctx.keys.admin}\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['bare LF line endings', () => request(`POST /graphql HTTP/1.1\nHost: x\nContent-Type: application/json\n${authLine.replace('\r\n', '\n')}Content-Length: ${len}\nConnection: close\n\n`)],
    ['obsolete line folding', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer\r\n ${ctx.keys.admin}\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['space before colon', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type : application/json\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['thousands of headers', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}${Array.from({ length: rng.pick([500, 3000]) }, (_, i) => `X-H${i}: ${i}\r\n`).join('')}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['garbage request line', () => utf8(rng.pick(['GARBAGE\r\n\r\n', 'POST\r\n\r\n', 'POST /graphql\r\n\r\n', 'POST /graphql HTTP/9.9\r\nHost: x\r\n\r\n', 'POST /graphql HTTP/1.1 extra\r\nHost: x\r\n\r\n', ' POST /graphql HTTP/1.1\r\n\r\n', '\r\n\r\n\r\n']))],
    ['HTTP/2 preface', () => utf8('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
    ['TLS hello on a plain port', () => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), rng.bytes(64)])],
    ['random bytes', () => rng.bytes(rng.int(1, 2048))],
    ['absolute-form URL', () => request(`POST http://evil.example/graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['odd paths', () => request(`POST ${rng.pick(['/graphql/', '//graphql', '/GRAPHQL', '/graphql%00', '/graphql/..', '/./graphql', '/graphql;x', '/graphql#x', '*', '/%', '/%E0%A4%A'])} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['Expect headers', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Expect: ${rng.pick(['100-continue', 'bogus', '200-ok'])}\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`)],
    ['Upgrade request', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: ${rng.pick(['websocket', 'h2c', 'bogus'])}\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\n\r\n`)],
    [
      'pipelined requests, one good one bad',
      () =>
        Buffer.concat([
          request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${authLine}Content-Length: ${len}\r\n\r\n`),
          rng.bytes(rng.int(1, 200)),
          utf8('\r\n\r\n'),
        ]),
    ],
    ['smuggling attempt', () => request(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n`, `0\r\n\r\nPOST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${json}`)],
  ];
  const [variant, make] = rng.pick(kinds);
  return { variant, auth, headers: {}, raw: make() };
};

/** Methods /graphql does not serve, and ones it serves with nonsense. */
const wrongMethod: Generator = (rng, ctx) => {
  const { auth, headers } = someAuth(rng, ctx);
  const method = rng.pick(['PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'QUERY', 'LOCK', 'MKCOL']);
  const op = rng.chance(0.5) ? poisonedMutation(rng, ctx) : rng.pick(operations(ctx));
  const extra: Record<string, string> =
    method === 'OPTIONS'
      ? { origin: rng.pick(['https://evil.example', 'null', 'https://shop.example']), 'access-control-request-method': rng.pick(['POST', 'DELETE', 'X']), 'access-control-request-headers': rng.pick(['authorization', 'x-evil, authorization', '*']) }
      : {};
  const withBody = !['HEAD', 'TRACE'].includes(method) && rng.chance(0.7);
  return { variant: method, auth, method, headers: { ...headers, ...JSON_TYPE, ...extra }, ...(withBody ? { body: opBody(op) } : {}) };
};

const GENERATORS: Record<Category, Generator> = {
  'random-bytes': randomBytes,
  'truncated-json': truncatedJson,
  'wrong-shape': wrongShape,
  'content-type': contentType,
  'get-params': getParams,
  'huge-document': hugeDocument,
  'deep-nesting': deepNesting,
  'alias-bomb': aliasBomb,
  'directive-flood': directiveFlood,
  'fragment-cycle': fragmentCycle,
  'invalid-utf8': invalidUtf8,
  'wrong-variable-types': wrongVariableTypes,
  'enormous-variables': enormousVariables,
  'bogus-key': bogusKey,
  'hostile-mutation': hostileMutation,
  'raw-http': rawHttp,
  'wrong-method': wrongMethod,
};

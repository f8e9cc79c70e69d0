import { Booking, ScopePolicy } from '../../src/db/entities';
import { createCatalog, futureDay, gid, HOUR } from '../graphql/domain-fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { keyRowCounts } from './helpers';

// Contract section 2: a mutation is authorized as a whole before anything runs.
let server: TestServer;
let writerWhoCannotRead: string;

beforeAll(async () => {
  server = await startTestServer();
  const { id: accountId } = await server.account();
  // A DENY policy takes keys:read away while the key's own keys:write stays:
  // it may create keys but not read them back.
  const policy = await server.db.dataSource
    .getRepository(ScopePolicy)
    .save({ accountId, name: 'No key reading', mode: 'DENY' as const, scopes: ['keys:read'], builtIn: false });
  ({ secret: writerWhoCannotRead } = await server.mintKey({ scopes: ['keys:write'], policyIds: [policy.id] }));
});
afterAll(() => server.close());

describe('a mutation whose selection reaches a denied field', () => {
  it('runs nothing, writes nothing and reports every denied path with 403', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql('mutation { createApiKey(input: { name: "x1" }) { apiKey { name prefix } secret } }', {
      key: writerWhoCannotRead,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="keys:read"');
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.missingScopes])).toEqual([
      ['createApiKey.apiKey.name', 'SCOPE_REQUIRED', ['keys:read']],
      ['createApiKey.apiKey.prefix', 'SCOPE_REQUIRED', ['keys:read']],
    ]);
    expect(await keyRowCounts(server)).toEqual(before);
  });

  it('follows fragments to find the denied field', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql(
      'mutation { createApiKey(input: { name: "x2" }) { ...Made } } fragment Made on CreateApiKeyPayload { secret ... on CreateApiKeyPayload { apiKey { id } } }',
      { key: writerWhoCannotRead },
    );
    expect(res.status).toBe(403);
    expect(res.body.errors?.map((e) => e.path?.join('.'))).toEqual(['createApiKey.apiKey.id']);
    expect(await keyRowCounts(server)).toEqual(before);
  });

  it('runs when the selection avoids what the key may not read (control)', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql('mutation { createApiKey(input: { name: "x3" }) { secret } }', { key: writerWhoCannotRead });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.createApiKey.secret).toMatch(/^sk_live_/);
    expect(await keyRowCounts(server)).toEqual({ keys: before.keys + 1, secrets: before.secrets + 1 });
  });

  it('honours @include with variables when deciding', async () => {
    const before = await keyRowCounts(server);
    const res = await server.graphql(
      'mutation($withKey: Boolean!) { createApiKey(input: { name: "x4" }) { secret apiKey @include(if: $withKey) { name } } }',
      { key: writerWhoCannotRead, variables: { withKey: false } },
    );
    expect(res.status).toBe(200);
    expect(await keyRowCounts(server)).toEqual({ keys: before.keys + 1, secrets: before.secrets + 1 });
  });
});

describe('createBooking with a payload reaching a customer (issue 9)', () => {
  const BOOK = `mutation Book($input: CreateBookingInput!) {
    createBooking(input: $input) { booking { id customer { email } } }
  }`;
  let input: Record<string, unknown>;
  const bookingCount = () => server.db.dataSource.getRepository(Booking).count();

  beforeAll(async () => {
    const catalog = await createCatalog(server, 'booker', { products: 1, customers: 1, bookings: 0 });
    const startsAt = futureDay(3) + 9 * HOUR;
    input = {
      productId: gid.product(catalog.products[0]!),
      customerId: gid.customer(catalog.customers[0]!),
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + HOUR).toISOString(),
    };
  });

  it('with bookings:write but not customers:read: refused with SCOPE_REQUIRED per denied path, no booking written', async () => {
    const { secret } = await server.mintKey({ account: 'booker', scopes: ['bookings:write'] });
    const before = await bookingCount();
    const res = await server.graphql(BOOK, { key: secret, variables: { input } });
    expect(res.status).toBe(403);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.missingScopes])).toEqual([
      ['createBooking.booking.customer', 'SCOPE_REQUIRED', ['customers:read']],
      ['createBooking.booking.customer.email', 'SCOPE_REQUIRED', ['customers:read']],
    ]);
    expect(await bookingCount()).toBe(before);
  });

  it('the same mutation runs once the key may read customers (control), and again from the cached analysis', async () => {
    const { secret } = await server.mintKey({ account: 'booker', scopes: ['bookings:write', 'customers:read'] });
    const before = await bookingCount();
    for (let i = 0; i < 2; i++) {
      const startsAt = futureDay(4 + i) + 9 * HOUR;
      const variables = { input: { ...input, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + HOUR).toISOString() } };
      const res = await server.graphql(BOOK, { key: secret, variables });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.createBooking.booking.customer.email).toMatch(/@booker\.example\.com$/);
    }
    expect(await bookingCount()).toBe(before + 2);
  });

  it('a key without customers:read is refused again on a repeated request, from the cache', async () => {
    const { secret } = await server.mintKey({ account: 'booker', scopes: ['bookings:write'] });
    const before = await bookingCount();
    for (let i = 0; i < 2; i++) {
      const res = await server.graphql(BOOK, { key: secret, variables: { input } });
      expect(res.body.errors?.map((e) => e.path?.join('.'))).toEqual(['createBooking.booking.customer', 'createBooking.booking.customer.email']);
    }
    expect(await bookingCount()).toBe(before);
  });
});

import { ApiKey, ApiKeySecret } from '../../src/db/entities';
import { graphqlBody, type GraphQLBody, type TestServer } from '../support/server';

export type Response = { status: number; headers: Headers; body: GraphQLBody };

export const INVALID_TOKEN = 'Bearer error="invalid_token"';

/**
 * A request refused before execution (contract §3): the status, the one error
 * with its code, no `data` key at all, and no X-Scopes (nobody was authenticated).
 * 401s also carry the RFC 6750 challenge.
 */
export function expectRefused(res: Response, status: number, code: string): void {
  expect({ status: res.status, codes: res.body.errors?.map((e) => e.extensions?.code) }).toEqual({ status, codes: [code] });
  expect(res.body).not.toHaveProperty('data');
  expect(res.headers.get('x-scopes')).toBeNull();
  if (status === 401) expect(res.headers.get('www-authenticate')).toBe(INVALID_TOKEN);
}

/** The one error of a response, after checking there is exactly one. */
export function onlyError(res: Response) {
  expect(res.body.errors).toHaveLength(1);
  return res.body.errors![0]!;
}

/** Any other character of the base62 alphabet, so the checksum no longer matches. */
export function flipLastChar(key: string): string {
  return key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
}

export async function keyRowCounts(server: TestServer): Promise<{ keys: number; secrets: number }> {
  const ds = server.db.dataSource;
  return { keys: await ds.getRepository(ApiKey).count(), secrets: await ds.getRepository(ApiKeySecret).count() };
}

/** GET /graphql?query=..., as a client without a GraphQL library would send it. */
export async function graphqlGet(server: TestServer, query: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(`${server.url}?query=${encodeURIComponent(query)}`, { headers });
  return { status: response.status, headers: response.headers, body: graphqlBody(await response.json()) };
}

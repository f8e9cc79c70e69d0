// The console's only way to the server: POST /graphql with the pasted key.
//
// The key lives in this module's variable and nowhere else: not in
// localStorage, sessionStorage, a cookie or the URL. Reloading the page, or
// "Forget key", drops it. `content-type: application/json` also satisfies
// Apollo's CSRF prevention, and `credentials: 'omit'` sends no cookie.

let apiKey = null;

export function setKey(key) {
  apiKey = key;
}

export function forgetKey() {
  apiKey = null;
}

export function hasKey() {
  return apiKey !== null;
}

/** A GraphQL (or transport) failure: `code` is the first error's extensions.code. */
export class ApiError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join('\n'));
    this.errors = errors;
    this.status = status;
    this.code = errors[0]?.extensions?.code ?? `HTTP_${status}`;
  }

  /** The key itself was refused: the console forgets it and asks for another. */
  get keyRefused() {
    return ['UNAUTHENTICATED', 'KEY_REVOKED', 'KEY_EXPIRED', 'IP_NOT_ALLOWED'].includes(this.code);
  }
}

/** Runs one operation; resolves to `data`, or rejects with ApiError if any error came back. */
export async function graphql(query, variables = {}) {
  if (apiKey === null) throw new ApiError([{ message: 'Paste an API key first.', extensions: { code: 'UNAUTHENTICATED' } }], 0);
  let response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError([{ message: `The server could not be reached (${error.message}).`, extensions: { code: 'NETWORK_ERROR' } }], 0);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError([{ message: `The server answered ${response.status} without a GraphQL response.` }], response.status);
  }
  if (body.errors?.length) throw new ApiError(body.errors, response.status);
  return body.data;
}

// Fields of a key shown in the list. Kept light: the cost of a page is
// charged against the admin key's own rate-limit bucket.
const KEY_FIELDS = `
  id name prefix type scopes bundles status createdAt lastUsedAt expiresAt
`;

// Everything about one key (detail and edit screens).
const KEY_DETAIL_FIELDS = `
  ${KEY_FIELDS} effectiveScopes ipAllowlist allowedOrigins
  policies { id name mode builtIn }
  createdBy { id name prefix }
`;

export const queries = {
  session: `query ConsoleSession {
    viewer { account { id name } effectiveScopes apiKey { id name prefix } }
    scopes { name description category }
    scopeBundles { name description scopes }
  }`,
  keys: `query ConsoleKeys($first: Int!, $after: String, $status: ApiKeyStatus) {
    apiKeys(first: $first, after: $after, status: $status) {
      edges { node { ${KEY_FIELDS} } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  key: `query ConsoleKey($id: ID!) {
    node(id: $id) { ... on ApiKey { ${KEY_DETAIL_FIELDS} } }
  }`,
  requestLogs: `query ConsoleRequestLogs($id: ID!, $first: Int!, $after: String) {
    node(id: $id) { ... on ApiKey {
      requestLogs(first: $first, after: $after) {
        edges { node { at operationName rootFields outcome durationMs clientAddress } }
        pageInfo { hasNextPage endCursor }
      }
    } }
  }`,
  // Its own request, so a server without ApiKey.scopeUsage fails only this one.
  scopeUsage: `query ConsoleScopeUsage($id: ID!, $days: Int!) {
    node(id: $id) { ... on ApiKey { scopeUsage(days: $days) { usedScopes unusedScopes suggestedScopes } } }
  }`,
  policies: `query ConsolePolicies { scopePolicies { id name mode scopes builtIn } }`,
  createKey: `mutation ConsoleCreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { secret apiKey { ${KEY_FIELDS} } }
  }`,
  updateKey: `mutation ConsoleUpdateKey($input: UpdateApiKeyInput!) {
    updateApiKey(input: $input) { apiKey { ${KEY_DETAIL_FIELDS} } }
  }`,
  revokeKey: `mutation ConsoleRevokeKey($id: ID!) {
    revokeApiKey(input: { id: $id }) { apiKey { id status } }
  }`,
  deleteKey: `mutation ConsoleDeleteKey($id: ID!) {
    deleteApiKey(input: { id: $id }) { deletedId }
  }`,
};

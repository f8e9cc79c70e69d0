import catalog from '../../schema/scope-catalog.json';
import { ScopePolicy } from '../../src/db/entities';
import { parseGlobalId } from '../../src/global-id';
import { startTestServer, type GraphQLBody, type TestServer } from '../support/server';
import { createCatalog, type Catalog } from './domain-fixtures';

/** Operations and small helpers shared by the scope policy test files. */
export const POLICY_FIELDS = 'id name mode scopes builtIn';
export const CREATE_POLICY = `mutation ($input: CreateScopePolicyInput!) { createScopePolicy(input: $input) { policy { ${POLICY_FIELDS} } } }`;
export const UPDATE_POLICY = `mutation ($input: UpdateScopePolicyInput!) { updateScopePolicy(input: $input) { policy { ${POLICY_FIELDS} } } }`;
export const DELETE_POLICY = 'mutation ($input: DeleteScopePolicyInput!) { deleteScopePolicy(input: $input) { deletedId } }';
export const LIST_POLICIES = `{ scopePolicies { ${POLICY_FIELDS} } }`;

export const NON_ADMIN = catalog.scopes.map((s) => s.name).filter((s) => s !== 'admin');

export interface PolicyView {
  id: string;
  name: string;
  mode: 'ALLOW' | 'DENY';
  scopes: string[];
  builtIn: boolean;
}

export function policyApi(server: TestServer) {
  const run = (query: string) => (key: string, input: Record<string, unknown>) => server.graphql(query, { key, variables: { input } });
  return {
    create: run(CREATE_POLICY),
    update: run(UPDATE_POLICY),
    delete: run(DELETE_POLICY),
    /** Creates through the API and returns the policy, failing the test on any error. */
    async created(key: string, input: Record<string, unknown>): Promise<PolicyView> {
      const res = await server.graphql(CREATE_POLICY, { key, variables: { input } });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.createScopePolicy.policy;
    },
    async list(key: string): Promise<PolicyView[]> {
      const res = await server.graphql(LIST_POLICIES, { key });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.scopePolicies;
    },
    /** A key of `account` holding the given policies (global ids), minted by the operator. */
    async keyWith(policyIds: string[], input: { scopes?: string[]; account?: string; type?: 'SECRET' | 'PUBLISHABLE' } = {}) {
      return server.mintKey({ ...input, policyIds: policyIds.map(numericId) });
    },
    /** The calling key's effective scopes, as the API reports them. */
    async effectiveScopes(key: string): Promise<string[]> {
      const res = await server.graphql('{ viewer { effectiveScopes } }', { key });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.viewer.effectiveScopes;
    },
    /** Every policy row, for "nothing was written" checks. */
    rows: () => server.db.dataSource.getRepository(ScopePolicy).find({ order: { id: 'ASC' } }),
  };
}

export type PolicyApi = ReturnType<typeof policyApi>;

/**
 * A server of the calling file's own (it closes it in afterAll) with a small
 * catalog of account acme, one product and three customers, for policies to
 * grant or withhold, and an admin key of acme named "root".
 */
export async function startPolicyServer(): Promise<{ server: TestServer; api: PolicyApi; admin: string; catalog: Catalog }> {
  const server = await startTestServer();
  const api = policyApi(server);
  const catalog = await createCatalog(server, 'acme', { products: 1, customers: 3, bookings: 0 });
  const { secret: admin } = await server.mintKey({ name: 'root', scopes: ['admin'] });
  return { server, api, admin, catalog };
}

export function numericId(globalId: string): number {
  return parseGlobalId(globalId)!.id;
}

export function onlyError(body: GraphQLBody) {
  expect(body.errors).toHaveLength(1);
  return body.errors![0]!;
}

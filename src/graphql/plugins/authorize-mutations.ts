import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { scopeRequiredError } from '../../scopes/directive';
import { selectedRequirements } from '../../scopes/operation-requirements';
import type { GraphQLContext } from '../context';

/**
 * Contract section 2: "a mutation is authorized as a whole before anything
 * runs". Field guards alone would let `createApiKey { apiKey { name } secret }`
 * write a key (and lose its secret) when the caller may write keys but not read
 * them: the denial comes after the side effect. So before executing a mutation
 * we check every requirement its selection can meet, and if any is denied we
 * answer with one SCOPE_REQUIRED per denied path and execute nothing. Queries
 * keep partial results and are not checked here.
 */
export function authorizeMutationsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, document, request, contextValue, schema }) {
          if (operation.operation !== 'mutation') return null;
          const denied = selectedRequirements(schema, document, operation, request.variables ?? {}).filter(
            ({ requirement }) => !contextValue.permissions.allows(requirement),
          );
          if (denied.length === 0) return null;
          const errors: GraphQLFormattedError[] = denied.map(({ path, requirement, where }) => {
            const error = scopeRequiredError(requirement, contextValue.permissions, where);
            return { message: error.message, path: [...path], extensions: error.extensions };
          });
          // data: null with scope errors: the response plugin answers 403 with the challenge.
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: null, errors } } };
        },
      };
    },
  };
}

import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { scopeRequiredError } from '../../scopes/directive';
import { isAppError } from '../../errors';
import { analyseOperation, type SelectedRequirement } from '../../scopes/operation-requirements';
import type { GraphQLContext } from '../context';

/**
 * Contract section 2: "a mutation is authorized as a whole before anything
 * runs". Field guards alone would let `createApiKey { apiKey { name } secret }`
 * write a key (and lose its secret) when the caller may write keys but not read
 * them: the denial comes after the side effect. So before executing a mutation
 * we check every requirement its selection can meet, and if any is denied we
 * answer with one SCOPE_REQUIRED per denied path and execute nothing. Queries
 * keep partial results and are not checked here.
 *
 * It costs nothing on a repeated operation: the analysis is cached on the parsed
 * document (Apollo keeps one DocumentNode per query text) and per outcome of its
 * @skip/@include conditions, and the denied list on the analysis per effective
 * permission set (operation-requirements.ts), so the second request of a key
 * is two map lookups.
 */
export function authorizeMutationsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, document, request, contextValue, schema }) {
          // Undefined when operationName names no operation of the document (Apollo's types say otherwise):
          // nothing runs, and Apollo answers 400 OPERATION_RESOLUTION_FAILURE.
          if (!operation || operation.operation !== 'mutation') return null;
          let denied: readonly SelectedRequirement[];
          try {
            denied = analyseOperation(schema, document, operation, request.variables ?? {}).denied(contextValue.permissions);
          } catch (error) {
            // A document fanning out past what can be analysed is refused, never run unchecked.
            if (!isAppError(error)) throw error;
            return { http: { status: 400, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { errors: [{ message: error.message, extensions: error.extensions }] } } };
          }
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

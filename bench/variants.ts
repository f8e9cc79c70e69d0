/**
 * Variants (a), (b) and (c) of the in-process benchmark: the fixture's schema
 * executed with graphql-js's `execute`, without authorization and with ScopeQL's
 * transformer. A runner is "one request": a fresh context, then execution.
 */
import { execute, getOperationAST, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { authorizeMutationsPlugin } from '../src/graphql/plugins/authorize-mutations';
import { applyScopeDirectives } from '../src/scopes/directive';
import type { BenchOperation, Fixture, KeyName } from './fixture';

export type Runner = (operation: BenchOperation) => Promise<ExecutionResult>;

/** (a): the same SDL and resolvers, `@requiresScope` having no effect. */
export function noAuthorization(fixture: Fixture, key: KeyName = 'allowed'): Runner {
  return async (operation) =>
    execute({
      schema: fixture.plainSchema,
      document: operation.document,
      variableValues: operation.variables,
      contextValue: fixture.context(key),
    });
}

/** The schema the server builds: `applyScopeDirectives` over the same SDL and resolvers. */
export function scopeqlSchema(fixture: Fixture): GraphQLSchema {
  return applyScopeDirectives(fixture.plainSchema, { engine: fixture.engine });
}

/**
 * (b) with the `allowed` key, (c) with the `denied` one: the transformed schema,
 * and for a mutation the server's own whole-operation check (the Apollo plugin
 * that refuses a mutation before anything runs), called as Apollo calls it.
 */
export function scopeql(fixture: Fixture, key: KeyName, schema: GraphQLSchema = scopeqlSchema(fixture)): Runner {
  const plugin = authorizeMutationsPlugin();
  return async (operation) => {
    const contextValue = fixture.context(key);
    const ast = getOperationAST(operation.document)!;
    if (ast.operation === 'mutation') {
      const listener = await plugin.requestDidStart!({} as never);
      const refused = await listener!.responseForOperation!({
        operation: ast,
        document: operation.document,
        request: { variables: operation.variables },
        contextValue,
        schema,
      } as never);
      if (refused?.body.kind === 'single') return refused.body.singleResult as ExecutionResult;
    }
    return execute({ schema, document: operation.document, variableValues: operation.variables, contextValue });
  };
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { schemaDir } from '../paths';
import { applyScopeDirectives } from '../scopes/directive';
import type { ScopeEngine } from '../scopes/engine';
import { resolvers } from './resolvers';

/** Every `schema/*.graphql` file, in name order: the SDL is the source of truth. */
export function loadTypeDefs(dir = schemaDir): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

/**
 * The executable schema with @requiresScope enforced. Building it validates
 * every directive against the catalog, so a typo in a scope name stops start-up.
 */
export function buildSchema(engine: ScopeEngine): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
  return applyScopeDirectives(schema, { engine });
}

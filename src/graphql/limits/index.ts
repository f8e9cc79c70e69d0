import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import type { Config } from '../../config';
import type { GraphQLContext } from '../context';
import { queryLimits } from './armor';
import { introspectionProtection } from './introspection';

export { estimateQueryCost } from './query-cost';

export type LimitsConfig = Pick<
  Config,
  'QUERY_MAX_DEPTH' | 'QUERY_MAX_COST' | 'QUERY_MAX_ALIASES' | 'QUERY_MAX_DIRECTIVES' | 'QUERY_MAX_TOKENS' | 'INTROSPECTION'
>;

/** Everything ApolloServer needs for the query limits and the introspection mode (README "Security"). */
export function queryProtections(config: LimitsConfig): {
  plugins: ApolloServerPlugin<GraphQLContext>[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const limits = queryLimits({
    maxDepth: config.QUERY_MAX_DEPTH,
    maxCost: config.QUERY_MAX_COST,
    maxAliases: config.QUERY_MAX_ALIASES,
    maxDirectives: config.QUERY_MAX_DIRECTIVES,
    maxTokens: config.QUERY_MAX_TOKENS,
  });
  const introspection = introspectionProtection(config.INTROSPECTION);
  return {
    plugins: [...limits.plugins, ...introspection.plugins],
    validationRules: [...introspection.validationRules, ...limits.validationRules],
    parseOptions: limits.parseOptions,
  };
}

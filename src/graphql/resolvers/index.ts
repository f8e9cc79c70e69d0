import type { Resolvers } from '../generated/resolvers';
import { DateTime } from '../scalars';
import { keyResolvers } from './keys';
import { nodeResolvers } from './node';
import { scopeResolvers } from './scopes';
import { viewerResolvers } from './viewer';

/** One resolver map per domain; makeExecutableSchema merges the list. */
export const resolvers: Resolvers[] = [{ DateTime }, viewerResolvers, scopeResolvers, keyResolvers, nodeResolvers];

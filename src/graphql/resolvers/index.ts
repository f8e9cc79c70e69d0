import type { Resolvers } from '../generated/resolvers';
import { DateTime } from '../scalars';
import { bookingResolvers } from './bookings';
import { customerResolvers } from './customers';
import { keyResolvers } from './keys';
import { nodeResolvers } from './node';
import { productResolvers } from './products';
import { reportResolvers } from './reports';
import { scopeResolvers } from './scopes';
import { viewerResolvers } from './viewer';

/** One resolver map per domain; makeExecutableSchema merges the list. */
export const resolvers: Resolvers[] = [
  { DateTime },
  viewerResolvers,
  scopeResolvers,
  keyResolvers,
  productResolvers,
  customerResolvers,
  bookingResolvers,
  reportResolvers,
  nodeResolvers,
];

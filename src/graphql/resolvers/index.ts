import type { Resolvers } from '../generated/resolvers';
import { DateTime, JsonScalar } from '../scalars';
import { auditResolvers } from './audit';
import { bookingResolvers } from './bookings';
import { customerResolvers } from './customers';
import { keyResolvers } from './keys';
import { nodeResolvers } from './node';
import { policyResolvers } from './policies';
import { productResolvers } from './products';
import { reportResolvers } from './reports';
import { requestLogResolvers } from './request-logs';
import { scopeResolvers } from './scopes';
import { viewerResolvers } from './viewer';
import { webhookResolvers } from './webhooks';

/** One resolver map per domain; makeExecutableSchema merges the list. */
export const resolvers: Resolvers[] = [
  { DateTime, JSON: JsonScalar },
  viewerResolvers,
  scopeResolvers,
  keyResolvers,
  policyResolvers,
  auditResolvers,
  productResolvers,
  customerResolvers,
  bookingResolvers,
  reportResolvers,
  requestLogResolvers,
  webhookResolvers,
  nodeResolvers,
];

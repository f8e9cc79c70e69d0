import type { Resolvers } from '../generated/resolvers';
import { toGlobalId } from '../../global-id';

export const reportResolvers: Resolvers = {
  Query: {
    // An empty namespace object: the work (and the reports:read check) happens per field.
    reports: () => ({}),
  },
  Reports: {
    bookingSummary: (_reports, { from, to }, ctx) => ctx.services.reports.bookingSummary(ctx.actor.accountId, from, to),
  },
  BookingSummaryRow: {
    productId: (row) => toGlobalId('Product', row.productId),
  },
};

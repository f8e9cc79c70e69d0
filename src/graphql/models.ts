/**
 * Resolver parent types for SDL types with nothing behind them in the domain
 * (named in codegen.ts `mappers`).
 */

/** `Query.reports` is a namespace: its fields carry the reports:read requirement and do the work. */
export type ReportsModel = Record<string, never>;

import type { KeysetPage } from '../db/repositories/account-scoped';

/** What a connection asks a service for: `first` rows after the row `afterId`. */
export interface PageRequest {
  first: number;
  afterId?: number;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
}

/** One row more than asked for, so the page knows whether another follows without a COUNT. */
export function keysetFor(page: PageRequest): KeysetPage {
  return { limit: page.first + 1, beforeId: page.afterId };
}

export function pageOf<T>(rows: T[], page: PageRequest): Page<T> {
  return { nodes: rows.slice(0, page.first), hasNextPage: rows.length > page.first };
}

/** Splits one windowed query's rows (each parent's `first + 1` newest) into a page per parent. */
export function pagesByParent<T>(
  rows: readonly T[],
  parentIds: readonly number[],
  parentOf: (row: T) => number | null,
  page: PageRequest,
): Map<number, Page<T>> {
  const pages = new Map<number, Page<T>>(parentIds.map((id) => [id, { nodes: [], hasNextPage: false }]));
  for (const row of rows) {
    const parent = parentOf(row);
    const entry = parent === null ? undefined : pages.get(parent);
    if (!entry) continue;
    if (entry.nodes.length < page.first) entry.nodes.push(row);
    else entry.hasNextPage = true;
  }
  return pages;
}

import type { ColumnOptions } from 'typeorm';

/**
 * Column shapes that mean the same on MySQL/MariaDB and SQLite. Millisecond
 * precision matters: expiry and grace periods are compared to the millisecond,
 * and MySQL's bare DATETIME would round them to the second.
 */
export const timestamp: ColumnOptions = { type: 'datetime', precision: 3 };
export const optionalTimestamp: ColumnOptions = { ...timestamp, nullable: true };
/** A JSON array of strings kept as text: both engines, no JSON-type quirks. */
export const stringList: ColumnOptions = { type: 'simple-json' };
export const optionalStringList: ColumnOptions = { type: 'simple-json', nullable: true };

import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** `[property, operator, value]`; with `in`, the value is a list (an empty list matches nothing). */
export type Condition<T> = readonly [property: keyof T & string, operator: '=' | '<' | '>=' | 'in', value: unknown];

export interface ReadOptions<T> {
  orderBy?: readonly (readonly [property: keyof T & string, direction: 'ASC' | 'DESC'])[];
  limit?: number;
  /**
   * Many-to-one relations to read in the same statement (`['customer']`): each
   * row's related entity, or null when there is none in the row's account.
   */
  with?: readonly (keyof T & string)[];
}

/** The columns of one table in a statement: where they are selected from and how a row of them becomes an entity. */
interface Source {
  readonly metadata: EntityMetadata;
  readonly alias: string;
  readonly columns: readonly ColumnMetadata[];
  /** Result-set names (`t0_id`), by column, in `columns` order. */
  readonly keys: readonly string[];
  /** By column: whether the driver converts its values (dates, JSON in text); integers and strings arrive as they are. */
  readonly converted: readonly boolean[];
}

/** Column types both drivers hydrate as the value the database client returned (see their prepareHydratedValue). */
const AS_RETURNED = new Set<unknown>(['int', 'integer', 'varchar', 'text']);

interface Join {
  readonly property: string;
  readonly source: Source;
  readonly sql: string;
  /** Result-set name of the joined table's primary key: null there means no related row. */
  readonly primaryKey: string;
}

/**
 * Reads of whole rows on the request path, without TypeORM's query builder.
 * The builder derives its SQL again on every call (aliases, property names
 * rewritten by regular expression, parameters escaped in another pass) and
 * hydrates through its generic transformer: measured on MariaDB, a page of 20
 * bookings cost 200-240 µs of CPU through it against 80 µs for the same SQL
 * sent directly. Here select lists and joins are built once from the entity's
 * metadata, conditions are a closed set of operators on mapped properties (no
 * SQL from callers), and every value in either direction goes through the
 * driver's own conversion (`preparePersistentValue`, `prepareHydratedValue`),
 * so an entity read here equals the one TypeORM builds, on both engines
 * (test/db/entity-reader.int.test.ts). Statements still go through the
 * DataSource, so query timeouts and subscribers (drop-timed-out-connections.ts)
 * apply.
 */
export class EntityReader<T extends ObjectLiteral> {
  private static readonly cache = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, EntityReader<ObjectLiteral>>>();

  /** The reader of `target` on `dataSource`, built on first use (metadata exists once the DataSource is initialized). */
  static of<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>): EntityReader<T> {
    let readers = EntityReader.cache.get(dataSource);
    if (!readers) EntityReader.cache.set(dataSource, (readers = new Map()));
    let reader = readers.get(target);
    if (!reader) readers.set(target, (reader = new EntityReader(dataSource, target)));
    return reader as unknown as EntityReader<T>;
  }

  private readonly root: Source;
  /** By property: the column and its qualified SQL name, for conditions and ordering. */
  private readonly byProperty: ReadonlyMap<string, { column: ColumnMetadata; sql: string }>;
  private readonly joins = new Map<string, Join>();
  private readonly selects = new Map<string, { joins: readonly Join[]; sql: string }>();

  private constructor(
    private readonly dataSource: DataSource,
    target: EntityTarget<T>,
  ) {
    this.root = this.source(dataSource.getMetadata(target), 't0');
    this.byProperty = new Map(this.root.columns.map((column) => [column.propertyName, { column, sql: this.qualified(this.root, column) }]));
  }

  /** Rows matching every condition, in `orderBy` order, at most `limit`, with the relations asked for. */
  async find(conditions: readonly Condition<T>[], options: ReadOptions<T> = {}, manager: EntityManager = this.dataSource.manager): Promise<T[]> {
    const driver = this.dataSource.driver;
    const { joins, sql: from } = this.selectFrom(options.with ?? []);
    let sql = from;

    const params: unknown[] = [];
    const clauses: string[] = [];
    for (const [property, operator, value] of conditions) {
      const { sql: name, column } = this.mapped(property);
      if (operator === 'in') {
        const values = value as readonly unknown[];
        if (values.length === 0) return [];
        clauses.push(`${name} IN (${values.map(() => '?').join(', ')})`);
        for (const v of values) params.push(driver.preparePersistentValue(v, column));
      } else {
        clauses.push(`${name} ${operator} ?`);
        params.push(driver.preparePersistentValue(value, column));
      }
    }
    if (clauses.length > 0) sql += ` WHERE ${clauses.join(' AND ')}`;
    if (options.orderBy?.length) {
      sql += ` ORDER BY ${options.orderBy.map(([property, direction]) => `${this.mapped(property).sql} ${direction === 'DESC' ? 'DESC' : 'ASC'}`).join(', ')}`;
    }
    if (options.limit !== undefined) {
      if (!Number.isSafeInteger(options.limit) || options.limit < 0) throw new RangeError(`limit must be a whole number, not ${options.limit}`);
      sql += ` LIMIT ${options.limit}`;
    }

    const rows = (await manager.query(sql, params)) as Record<string, unknown>[];
    return rows.map((row) => {
      const entity = this.hydrate(this.root, row) as Record<string, unknown>;
      for (const join of joins) entity[join.property] = row[join.primaryKey] == null ? null : this.hydrate(join.source, row);
      return entity as T;
    });
  }

  /** `SELECT <every column> FROM <table> <joins>` for one set of relations, built once. */
  private selectFrom(related: readonly string[]): { joins: readonly Join[]; sql: string } {
    const key = related.join(',');
    let found = this.selects.get(key);
    if (!found) {
      const driver = this.dataSource.driver;
      const joins = related.map((property) => this.join(property));
      const sources = [this.root, ...joins.map((join) => join.source)];
      const select = sources.flatMap((source) => source.columns.map((column, i) => `${this.qualified(source, column)} AS ${driver.escape(source.keys[i]!)}`));
      let sql = `SELECT ${select.join(', ')} FROM ${driver.escape(this.root.metadata.tablePath)} ${driver.escape(this.root.alias)}`;
      for (const join of joins) sql += join.sql;
      this.selects.set(key, (found = { joins, sql }));
    }
    return found;
  }

  private hydrate(source: Source, row: Record<string, unknown>): ObjectLiteral {
    // As TypeORM hydrates: from the prototype, no constructor run (class fields would start out as own undefined properties).
    const entity = source.metadata.create(undefined, { fromDeserializer: true }) as Record<string, unknown>;
    const driver = this.dataSource.driver;
    const { columns, keys, converted } = source;
    for (let i = 0; i < columns.length; i++) {
      const value = row[keys[i]!];
      entity[columns[i]!.propertyName] = converted[i] ? driver.prepareHydratedValue(value, columns[i]!) : value;
    }
    return entity;
  }

  private source(metadata: EntityMetadata, alias: string): Source {
    // Relation objects (`booking.product`) are not columns; their join columns (`productId`) are.
    const columns = metadata.columns.filter((column) => !column.relationMetadata || column.propertyName === column.databaseName);
    return {
      metadata,
      alias,
      columns,
      keys: columns.map((column) => `${alias}_${column.databaseName}`),
      converted: columns.map((column) => !AS_RETURNED.has(column.type) || column.transformer !== undefined),
    };
  }

  /**
   * A LEFT JOIN on a many-to-one relation, built on first use. When both
   * tables have an accountId, the join requires it to match: a related row of
   * another account reads as none, exactly as the account-bound DataLoaders
   * answer (loaders.ts).
   */
  private join(property: string): Join {
    let join = this.joins.get(property);
    if (join) return join;
    const relation = this.root.metadata.findRelationWithPropertyPath(property);
    const joinColumn = relation?.joinColumns.length === 1 ? relation.joinColumns[0] : undefined;
    if (!relation || !(relation.isManyToOne || relation.isOneToOneOwner) || !joinColumn?.referencedColumn) {
      throw new Error(`${property} is not a many-to-one relation of ${this.root.metadata.name}`);
    }
    const driver = this.dataSource.driver;
    const source = this.source(relation.inverseEntityMetadata, `t${this.joins.size + 1}`);
    const on = [`${this.qualified(source, joinColumn.referencedColumn)} = ${this.qualified(this.root, joinColumn)}`];
    const [mine, theirs] = [this.root.metadata.findColumnWithPropertyName('accountId'), source.metadata.findColumnWithPropertyName('accountId')];
    if (mine && theirs) on.push(`${this.qualified(source, theirs)} = ${this.qualified(this.root, mine)}`);
    const primary = source.metadata.primaryColumns[0]!;
    join = {
      property,
      source,
      sql: ` LEFT JOIN ${driver.escape(source.metadata.tablePath)} ${driver.escape(source.alias)} ON ${on.join(' AND ')}`,
      primaryKey: source.keys[source.columns.indexOf(primary)]!,
    };
    this.joins.set(property, join);
    return join;
  }

  private qualified(source: Source, column: ColumnMetadata): string {
    return `${this.dataSource.driver.escape(source.alias)}.${this.dataSource.driver.escape(column.databaseName)}`;
  }

  private mapped(property: string): { column: ColumnMetadata; sql: string } {
    const found = this.byProperty.get(property);
    if (!found) throw new Error(`${property} is not a column of ${this.root.metadata.name}`);
    return found;
  }
}

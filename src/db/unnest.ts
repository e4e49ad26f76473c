import { Prisma } from '../generated/prisma/client.ts';

/** A column of an `unnest` input: its PostgreSQL type and how to read it from a row. */
export type TColumn<R> = readonly [pgType: string, value: (row: R) => unknown];

export type TColumns<R> = Record<string, TColumn<R>>;

const param = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);

/**
 * `unnest($1::uuid[], $2::text[], …) AS alias(id, plate, …)`: many rows as one set-based
 * input, with each column's name, type and value written side by side. Dates are sent as
 * ISO text and undefined as NULL. Multi-dimensional arrays cannot pass through unnest
 * (it flattens them), so an array column travels as text and is split in SQL.
 */
export const unnestSql = <R>(rows: readonly R[], columns: TColumns<R>, alias = 't'): Prisma.Sql => {
  const names = Object.keys(columns);
  for (const name of names) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unnest column name ${name}`);
  const arrays = names.map((name) => {
    const [type, value] = columns[name]!;
    return Prisma.sql`${rows.map((r) => param(value(r)))}::${Prisma.raw(type)}[]`;
  });
  return Prisma.sql`unnest(${Prisma.join(arrays)}) AS ${Prisma.raw(alias)}(${Prisma.raw(names.join(', '))})`;
};

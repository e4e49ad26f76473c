import { Prisma } from '../generated/prisma/client.ts';

/**
 * For read models of other domains (src/stats): a scalar subquery giving the first time
 * `action` was recorded on the entity whose id `entityId` yields (a SQL expression of the
 * caller's query), among entries whose `data[dataKey]` equals `value` (another expression).
 * It reads the (entity_type, entity_id, id) index, so it stays cheap per outer row.
 */
export const firstActionAtSql = (o: { entityType: string; entityId: Prisma.Sql; action: string; dataKey: string; value: Prisma.Sql }): Prisma.Sql =>
  Prisma.sql`(SELECT min(a.at) FROM audit_entry a WHERE a.entity_type = ${o.entityType} AND a.entity_id = ${o.entityId}
    AND a.action = ${o.action} AND a.data->>${o.dataKey}::text = ${o.value})`;

import { Prisma } from '../generated/prisma/client.ts';

/**
 * For read models (src/stats): a subquery of the distinct cameras (`camera_id`) whose
 * captures a case holds, the case given by `caseId` (a SQL expression of the caller's
 * query). A case merged from two cameras' captures names both.
 */
export const caseCamerasSql = (caseId: Prisma.Sql): Prisma.Sql => Prisma.sql`SELECT DISTINCT e.camera_id FROM camera_event e WHERE e.case_id = ${caseId}`;

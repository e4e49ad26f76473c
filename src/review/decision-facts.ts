import { firstActionAtSql } from '../audit/index.ts';
import { Prisma } from '../generated/prisma/client.ts';

/**
 * The columns of decisionFactsSql's rows: one officer's decision on a case (src/review's
 * review_decision) with the moment their claim on it began (its `review.claim` audit
 * entry, which names the claim), so claim → decision is the time spent on the case.
 */
export type TDecisionFact = {
  id: string;
  case_id: string;
  officer_id: string;
  kind: string;
  from_state: string;
  to_state: string;
  reason_code: string | null;
  qa: boolean;
  qa_disagrees: boolean | null;
  at: Date;
  claimed_at: Date | null;
};

/**
 * For read models (src/stats): the decisions made in [from, to) on cases whose detecting
 * agency is in `scopeAgencyIds`, as a subquery of TDecisionFact rows. The claim's start
 * is null only where its audit entry is missing (decisions recorded outside the API).
 */
export const decisionFactsSql = (scopeAgencyIds: readonly string[], from: Date, to: Date): Prisma.Sql => Prisma.sql`
  SELECT d.id::text AS id, d.case_id, d.officer_id, d.kind, d.from_state, d.to_state, d.reason_code, d.qa, d.qa_disagrees, d.at,
    ${firstActionAtSql({ entityType: 'case', entityId: Prisma.sql`d.case_id::text`, action: 'review.claim', dataKey: 'claimId', value: Prisma.sql`d.claim_id::text` })} AS claimed_at
  FROM review_decision d JOIN "case" c ON c.id = d.case_id
  WHERE c.detecting_agency_id = ANY(${scopeAgencyIds}::uuid[]) AND d.at >= ${from} AND d.at < ${to}`;

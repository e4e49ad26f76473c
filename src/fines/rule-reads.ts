import type { TDb } from '../db/index.ts';

export type TRuleFacts = {
  id: string;
  code: string;
  version: number;
  decree: string;
  article: number;
  clause: number;
  point: string | null;
  fineMin: number;
  fineMax: number;
  points: number;
  source: string;
  withdrawnAt: Date | null;
  withdrawnReason: string | null;
};

/** The fine rules with these ids (a case page shows the rule its case was assessed under). */
export const rulesByIds = async (db: TDb, ids: string[]): Promise<Map<string, TRuleFacts>> => {
  if (ids.length === 0) return new Map();
  const rows = await db.fineRule.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      code: true,
      version: true,
      decree: true,
      article: true,
      clause: true,
      point: true,
      fineMin: true,
      fineMax: true,
      points: true,
      source: true,
      withdrawnAt: true,
      withdrawnReason: true,
    },
  });
  return new Map(rows.map((r) => [r.id, r]));
};

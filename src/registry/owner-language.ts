import { z } from 'zod';
import { appendAudit } from '../audit/index.ts';
import type { TDb } from '../db/index.ts';
import { AppError } from '../shared/app-error.ts';
import { parseInput } from '../shared/parse-input.ts';

/** Languages a notice is written in (templates/<lang>/notice.json). */
export const NOTICE_LANGUAGES = ['vi', 'en'] as const;

export const ZOwnerLanguage = z.object({
  ownerType: z.enum(['PERSON', 'ORGANISATION']),
  /** Citizen id (CCCD) or tax code, as the registry has it. */
  idNumber: z.string().trim().min(5).max(20),
  language: z.enum(NOTICE_LANGUAGES),
});

/**
 * Records the language an owner asked their notices in (audited). Kept on the owner, not
 * in the registry: imports and look-ups leave it alone. Notices issued before keep theirs.
 */
export const setOwnerNoticeLanguage = async (deps: { db: TDb; actor: string }, input: z.input<typeof ZOwnerLanguage>) => {
  const o = parseInput(ZOwnerLanguage, input);
  return deps.db.$transaction(async (tx) => {
    const owner = await tx.owner.findUnique({ where: { ownerType_idNumber: { ownerType: o.ownerType, idNumber: o.idNumber } } });
    if (!owner) throw new AppError('INVALID_INPUT', `no ${o.ownerType === 'PERSON' ? 'person' : 'organisation'} owner with id ${o.idNumber} in the registry`);
    if (owner.noticeLanguage === o.language) return owner;
    const updated = await tx.owner.update({ where: { id: owner.id }, data: { noticeLanguage: o.language } });
    await appendAudit(tx, { actor: deps.actor, entityType: 'owner', entityId: owner.id, action: 'owner.notice-language', data: { from: owner.noticeLanguage, to: o.language } });
    return updated;
  });
};

import type { TSetColumn } from '../workflow/index.ts';

/**
 * What every move of a case out of an officer's hands writes beside its state: the review
 * claim (src/review) is released and its version bumped, so a claim statement that read
 * the case before cannot take it (see src/review/claims.ts).
 */
export const CLAIM_RELEASED: Record<string, TSetColumn<unknown>> = {
  claimed_by: ['uuid', () => null],
  claim_id: ['uuid', () => null],
  claim_expires_at: ['timestamptz', () => null],
  claim_version: ['int', () => null, 't.claim_version + 1'],
};

export { dedupEvent } from './dedup-event.ts';
export type { TDedupOutcome } from './dedup-event.ts';
export { isPastLimitation, limitationEndsAt, LIMITATION } from './deadlines.ts';

export { assessCase, assessCases } from './assess-case.ts';
export type { TAssessOutcome } from './assess-case.ts';
export { dedupEvent, dedupEvents } from './dedup-event.ts';
export type { TDedupOptions, TDedupOutcome } from './dedup-event.ts';
export { isPastLimitation, limitationEndsAt, LIMITATION, NOTICE_DUE, noticeDueAt } from './deadlines.ts';
export { FLAGS, sameVehicleFamily } from './flags.ts';
export type { TFlag } from './flags.ts';
export { resolveOwner, resolveOwners } from './resolve-owner.ts';
export type { TOwnerOutcome } from './resolve-owner.ts';

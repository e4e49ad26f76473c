export { isPastLimitation, limitationEndsAt, LIMITATION, NOTICE_DUE, noticeDueAt } from './deadlines.ts';

export { ContentStore } from './content-store.ts';
export type { TSweepReport } from './content-store.ts';
export { sendStored } from './send-stored.ts';

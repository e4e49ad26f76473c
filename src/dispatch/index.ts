export { channelPlan, nextChannel } from './channel-plan.ts';
export type { TChannelAddress, TOwnerContact } from './channel-plan.ts';
export { DELIVERY_MACHINE } from './delivery-machine.ts';

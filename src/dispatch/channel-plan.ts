import type { DeliveryChannel, OwnerType } from '../generated/prisma/enums.ts';

export type TChannelAddress = { channel: DeliveryChannel; address: string };

export type TOwnerContact = { ownerType: OwnerType; idNumber: string; email: string | null; phone: string | null; address: string };

/** Where each channel reaches an owner; null where the owner has nothing on record for it. */
const addressOn = (channel: DeliveryChannel, o: TOwnerContact): string | null => {
  switch (channel) {
    case 'EMAIL':
      return o.email?.trim() || null;
    case 'SMS':
      return o.phone?.trim() || null;
    // The e-ID app reaches a citizen by their citizen id (CCCD); organisations have no such account here.
    case 'EID':
      return o.ownerType === 'PERSON' ? o.idNumber : null;
    case 'POST':
      return o.address.trim() || null;
  }
};

/**
 * The channels that can reach an owner, in the configured order (DELIVERY_CHANNELS, e.g.
 * e-mail → e-ID → post): the first is tried first, each next one only when the one before
 * could not deliver (no address, a bounce, a permanent failure, an unknown outcome).
 */
export const channelPlan = (owner: TOwnerContact, order: readonly DeliveryChannel[]): TChannelAddress[] =>
  order.flatMap((channel) => {
    const address = addressOn(channel, owner);
    return address ? [{ channel, address }] : [];
  });

/**
 * The channel to fall back to after `failed`: the first of the plan that comes after it in
 * the configured order; null when none is left. By the order, not the plan: the owner's
 * contact details may have changed since `failed` was planned (it may not be in today's plan).
 */
export const nextChannel = (plan: readonly TChannelAddress[], failed: DeliveryChannel, order: readonly DeliveryChannel[]): TChannelAddress | null => {
  const after = order.indexOf(failed);
  return plan.find((p) => order.indexOf(p.channel) > after) ?? null;
};

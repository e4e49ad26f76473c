import type { DeliveryChannel } from '../generated/prisma/enums.ts';

/** What a channel sends: one notice to one address, under the delivery's own message id. */
export type TOutgoing = {
  deliveryId: string;
  /** The same on every attempt: the e-mail's Message-ID, the providers' Idempotency-Key. */
  messageId: string;
  address: string;
  notice: { number: string; language: string; pdf: Buffer; url: string };
  owner: { name: string };
  plate: string;
  agency: string;
};

/**
 * A send's outcome as the channel can know it. The distinction that matters is whether
 * anything can have reached the provider: `not-sent` is safe to try again; `unknown` is
 * not (the message may have been taken), so it is never retried blindly.
 */
export type TSendResult =
  | { kind: 'sent'; providerMessageId: string | null }
  /** Refused before the message was handed over (connection refused, DNS, 4xx before DATA, a 5xx from an HTTP provider): try again later. */
  | { kind: 'not-sent'; error: string }
  /** The provider refused this message for good (SMTP 5xx): a bounce. */
  | { kind: 'rejected'; error: string }
  /** It cannot be sent on this channel (4xx from a provider, channel not configured). */
  | { kind: 'failed'; error: string }
  /** Handed over, no answer: it may or may not have gone. */
  | { kind: 'unknown'; error: string };

/** One delivery channel. `send` never throws: every way it can end is a TSendResult. */
export type TChannelSender = {
  channel: DeliveryChannel;
  send: (msg: TOutgoing) => Promise<TSendResult>;
  close?: () => Promise<void>;
};

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

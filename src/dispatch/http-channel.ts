import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signBody } from '../events/index.ts';
import type { DeliveryChannel } from '../generated/prisma/enums.ts';
import { text } from '../shared/templates.ts';
import { errorText, type TChannelSender, type TOutgoing, type TSendResult } from './channel.ts';

export type THttpChannelOptions = {
  channel: Extract<DeliveryChannel, 'SMS' | 'EID'>;
  url: string;
  key: string;
  timeoutMs: number;
  now?: () => Date;
};

/** The request body a provider receives (JSON). The e-ID app gets the notice's page; an SMS its short text. */
export const providerBody = (channel: THttpChannelOptions['channel'], msg: TOutgoing) => ({
  messageId: msg.messageId,
  channel,
  to: msg.address,
  noticeNumber: msg.notice.number,
  url: msg.notice.url,
  text: text('notice-email', 'subject', { number: msg.notice.number }, msg.notice.language === 'en' ? 'en' : 'vi'),
  scamWarning: text('notice-email', 'scam', {}, msg.notice.language === 'en' ? 'en' : 'vi'),
});

type TAnswer = { status: number; body: string };

/**
 * One signed POST. `written` tells, when it fails, whether the whole request had been
 * handed to the network: before that the provider cannot have acted on it.
 */
const post = (url: URL, headers: Record<string, string>, body: Buffer, timeoutMs: number) =>
  new Promise<TAnswer>((resolve, reject) => {
    let written = false;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req: ClientRequest = send(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }));
      res.on('error', (err) => reject(Object.assign(err, { written: true })));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('finish', () => (written = true));
    req.on('error', (err) => reject(Object.assign(err, { written })));
    req.end(body);
  });

/**
 * A provider's HTTP API (SMS gateway, e-ID app push): a JSON POST signed like camera
 * events (X-Timestamp, X-Signature = HMAC-SHA256 over timestamp + "." + body) with the
 * delivery's message id as Idempotency-Key, so a provider that saw a request before
 * answers it without sending again.
 */
export const httpChannel = (o: THttpChannelOptions): TChannelSender => {
  const url = new URL(o.url);
  return {
    channel: o.channel,
    send: async (msg) => {
      const body = Buffer.from(JSON.stringify(providerBody(o.channel, msg)));
      const timestamp = String(Math.floor((o.now ?? (() => new Date()))().getTime() / 1000));
      try {
        const answer = await post(
          url,
          {
            'Content-Type': 'application/json',
            'Idempotency-Key': msg.messageId,
            'X-Timestamp': timestamp,
            'X-Signature': signBody(o.key, timestamp, body),
          },
          body,
          o.timeoutMs,
        );
        return answerResult(answer);
      } catch (err) {
        const written = (err as { written?: boolean }).written === true;
        return written ? { kind: 'unknown', error: errorText(err) } : { kind: 'not-sent', error: errorText(err) };
      }
    },
  };
};

/** 2xx: taken (its `id` is the provider's message id); 5xx and 429: not now; other 4xx: never on this channel. */
export const answerResult = (a: TAnswer): TSendResult => {
  if (a.status >= 200 && a.status < 300) {
    let id: string | null = null;
    try {
      const parsed = JSON.parse(a.body) as { id?: unknown };
      if (typeof parsed.id === 'string') id = parsed.id.slice(0, 200);
    } catch {
      // A provider that answers 2xx without JSON still took the message.
    }
    return { kind: 'sent', providerMessageId: id };
  }
  const error = `HTTP ${a.status}: ${a.body.slice(0, 500)}`;
  if (a.status >= 500 || a.status === 429) return { kind: 'not-sent', error };
  return { kind: 'failed', error };
};

import { createTransport, type Transporter } from 'nodemailer';
import { withTimeout } from '../shared/with-timeout.ts';
import { errorText, type TChannelSender, type TOutgoing, type TSendResult } from './channel.ts';
import { attachmentName, emailContent, emailMessageId } from './email-message.ts';

export type TEmailChannelOptions = {
  smtpUrl: string;
  from: string;
  poolSize: number;
  /** The whole send's limit; the connection phases get a part of it. */
  timeoutMs: number;
};

type TSmtpError = Error & { code?: string; originalCode?: string; responseCode?: number; timeoutType?: string; command?: string };

/** System error codes that mean no connection was made, so nothing was handed over. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** nodemailer's timeouts before the session starts: connecting and waiting for the greeting. */
const BEFORE_SESSION = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);

/**
 * What an SMTP failure says about the message. A reply code is the server's word: 5xx
 * refuses the message for good (a bounce), 4xx refuses it for now (at MAIL, RCPT or the end
 * of DATA the server did not take it). Without a reply, only a failure to connect proves
 * nothing was handed over; a connection lost or timed out later may have lost the
 * server's "250 accepted", so the outcome is unknown.
 */
export const classifySmtpError = (err: unknown): TSendResult => {
  const e = err as TSmtpError;
  const error = errorText(err);
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) return { kind: 'rejected', error };
    if (e.responseCode >= 400) return { kind: 'not-sent', error };
  }
  if (e.code === 'EDNS' || UNREACHABLE.has(e.originalCode ?? '') || UNREACHABLE.has(e.code ?? '')) return { kind: 'not-sent', error };
  if (e.code === 'ETIMEDOUT' && BEFORE_SESSION.has(e.timeoutType ?? '')) return { kind: 'not-sent', error };
  // Refused by nodemailer before any connection (an address it cannot use).
  if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.command === 'API') return { kind: 'failed', error };
  return { kind: 'unknown', error };
};

/** E-mail through nodemailer over SMTP, pooled connections, the notice PDF attached. */
export const emailChannel = (o: TEmailChannelOptions): TChannelSender & { transporter: Transporter } => {
  const phaseMs = Math.max(1_000, Math.floor(o.timeoutMs / 4));
  const transporter = createTransport({
    url: o.smtpUrl,
    pool: true,
    maxConnections: o.poolSize,
    connectionTimeout: phaseMs,
    greetingTimeout: phaseMs,
    socketTimeout: phaseMs * 2,
  });
  return {
    channel: 'EMAIL',
    transporter,
    send: async (msg: TOutgoing): Promise<TSendResult> => {
      let content;
      try {
        content = emailContent(msg);
      } catch (err) {
        // Nothing left this process: a template fault is retried, then fails the delivery.
        return { kind: 'not-sent', error: `composing the e-mail: ${errorText(err)}` };
      }
      try {
        // A server that trickles its answers never trips the socket timeout; the send as a whole is bounded too.
        const info = await withTimeout(transporter.sendMail({
          from: o.from,
          to: msg.address,
          messageId: emailMessageId(msg.deliveryId, o.from),
          subject: content.subject,
          text: content.text,
          html: content.html,
          headers: { 'X-Notice-Number': msg.notice.number },
          attachments: [{ filename: attachmentName(msg.notice.number), content: msg.notice.pdf, contentType: 'application/pdf' }],
        }), o.timeoutMs, 'smtp send');
        // The server's queue id where it gave one ("250 2.0.0 Ok: queued as ABC"), else its reply.
        const queued = /queued as\s+(\S+)/i.exec(info.response ?? '')?.[1];
        return { kind: 'sent', providerMessageId: queued ?? info.response?.slice(0, 200) ?? null };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    close: async () => transporter.close(),
  };
};

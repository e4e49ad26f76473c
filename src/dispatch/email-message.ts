import { resolve } from 'node:path';
import { Eta } from 'eta';
import { text } from '../shared/templates.ts';
import type { TOutgoing } from './channel.ts';

const MAIL_DIR = resolve(import.meta.dirname, '../../templates/mail');
// Two engines: the HTML body escapes what it prints, the plain-text body must not.
const html = new Eta({ views: MAIL_DIR, autoEscape: true });
const plain = new Eta({ views: MAIL_DIR, autoEscape: false, autoTrim: false });

const LANGS = new Set(['vi', 'en']);

/** The domain of an address, `Name <a@b.c>` or `a@b.c`. */
export const mailDomain = (from: string): string => {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  if (!m) throw new Error(`no domain in ${from}`);
  return m[1]!.toLowerCase();
};

/**
 * The e-mail's Message-ID: made from the delivery, so every attempt and an operator's
 * re-send carry the same one and the recipient's system (and we) can tell it is the same
 * message.
 */
export const emailMessageId = (deliveryId: string, from: string): string => `<${deliveryId}@${mailDomain(from)}>`;

/** A file name for the attachment: "000123/TB-PC08" → "thong-bao-000123-TB-PC08.pdf". */
export const attachmentName = (number: string): string => `thong-bao-${number.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;

export type TEmailContent = { subject: string; text: string; html: string };

/**
 * Subject and bodies of a notice e-mail, in the notice's language. The access code is not
 * in the e-mail: it is printed on the attached PDF, so a forwarded or leaked e-mail alone
 * does not open the notice page. The scam warning is in both bodies.
 */
export const emailContent = (msg: TOutgoing): TEmailContent => {
  const lang = LANGS.has(msg.notice.language) ? msg.notice.language : 'vi';
  const t = (key: string, vars: Record<string, string> = {}) => text('notice-email', key, vars, lang);
  const subject = t('subject', { number: msg.notice.number });
  const data = { lang, t, subject, ownerName: msg.owner.name, agency: msg.agency, plate: msg.plate, number: msg.notice.number, url: msg.notice.url };
  return { subject, text: plain.render('./notice-email.txt.eta', data), html: html.render('./notice-email.html.eta', data) };
};

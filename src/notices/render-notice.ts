import PDFDocument from 'pdfkit';
import { startOfDay } from '../clock/index.ts';
import { text } from '../shared/templates.ts';
import { NOTICE_FACES, type TNoticeAssets, type TNoticeFace } from './notice-assets.ts';
import type { TNoticeDocument } from './notice-document.ts';
import { dateLine, dayMonthYear, money, noticeText, segments, vietnamDateTime, type TNoticeLang, type TSegment } from './notice-format.ts';
import { qrRuns } from './notice-qr.ts';

// Form 01 of Circular 73/2024/TT-BCA as the domain reference §4 lists it, laid out on A4
// after Decree 30/2020/NĐ-CP's layout of administrative documents: issuer left and motto
// right, number under the issuer, place and date under the motto, title centred, "Nơi nhận"
// bottom left and the signature block bottom right.

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 40, bottom: 36, left: 56, right: 42 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const BODY = 10;
const SMALL = 9;
const GAP = 5;
/** The evidence picture beside the vehicle and act when there is one (4:3, as cameras shoot). */
const SIDE_IMAGE = { width: 208, height: 156 };
/** 25 mm: phones read it from a printed page at arm's length. */
const QR_SIZE = 72;
/** At most this many images on the last page when there are several (the notice page shows them all). */
const ANNEX_IMAGES = 6;
/** Keeps a phone number on one line. */
const NBSP = '\u00a0';
const TWO_WHEELERS = new Set(['MOTORCYCLE', 'MOPED']);
/** The signature block's height: titles plus the space left for the signature and seal. */
const SIGNATURE_SPACE = 60;

const NOTICE_PRODUCER = 'phat-nguoi notice renderer (PDFKit 0.20)';

type TPdf = PDFKit.PDFDocument;

/** Words for enum codes come from the pages' templates, the one home of the act, class and colour wording. */
const words = (lang: TNoticeLang, key: string): string => text('pages', key, {}, lang);

/** Every string reaches the fonts in one Unicode form, whatever form the registry's data came in (see layout-cache.ts). */
const nfc = (s: string): string => s.normalize('NFC');

const LINE_GAP = 1.2;

/**
 * Runs of regular and bold text as one paragraph from (x, y), wrapped in `width`; returns
 * the y below it. Ragged-right paragraphs are broken into lines here, at spaces only:
 * pdfkit also breaks after "/" and "-" (splitting "168/2024/NĐ-CP" or a plate), loses the
 * space a continued run starts with, and misplaces text after a line break inside
 * continued runs. Justified paragraphs are one run and keep pdfkit's wrapping (it
 * justifies each run of a line on its own, so a paragraph that mixes weights is set
 * ragged right).
 */
const paragraph = (pdf: TPdf, runs: TSegment[], x: number, y: number, width: number, size = BODY, align: 'left' | 'center' | 'justify' = 'left'): number => {
  const merged = mergeRuns(runs.map((run) => ({ ...run, text: nfc(run.text) })));
  if (align !== 'left' && merged.length === 1) {
    pdf.font(merged[0]!.bold ? 'bold' : 'regular').fontSize(size).text(merged[0]!.text, x, y, { width, align, lineGap: LINE_GAP });
    return pdf.y;
  }
  const advance = pdf.font('regular').fontSize(size).currentLineHeight(true) + LINE_GAP;
  let top = y;
  for (const lineRuns of breakLines(pdf, merged, width, size)) {
    if (top + advance > PAGE.height - MARGIN.bottom) {
      pdf.addPage();
      top = MARGIN.top;
    }
    let left = x;
    for (const run of lineRuns) {
      pdf.font(run.bold ? 'bold' : 'regular').fontSize(size).text(run.text, left, top, { lineBreak: false });
      left += pdf.widthOfString(run.text);
    }
    top += advance;
  }
  return top;
};

/** Neighbouring runs of one weight as one. */
const mergeRuns = (runs: TSegment[]): TSegment[] =>
  runs.reduce<TSegment[]>((out, run) => {
    const last = out.at(-1);
    if (last && last.bold === run.bold) out[out.length - 1] = { text: last.text + run.text, bold: run.bold };
    else out.push(run);
    return out;
  }, []);

/** Greedy lines of runs, broken at spaces; a word wider than a whole line is cut where it must be. */
const breakLines = (pdf: TPdf, runs: TSegment[], width: number, size: number): TSegment[][] => {
  const widthOf = (text: string, bold: boolean) => pdf.font(bold ? 'bold' : 'regular').fontSize(size).widthOfString(text);
  const lines: TSegment[][] = [[]];
  let used = 0;
  /** The spaces not yet placed: written only if a word follows on the same line. */
  let pending: TSegment | null = null;
  const place = (text: string, bold: boolean, w: number) => {
    lines.at(-1)!.push({ text, bold });
    used += w;
  };
  for (const run of runs) {
    for (const piece of run.text.split(/( +)/)) {
      if (piece === '') continue;
      if (piece.startsWith(' ')) {
        pending = { text: piece, bold: run.bold };
        continue;
      }
      let word = piece;
      const space = pending ? widthOf(pending.text, pending.bold) : 0;
      let w = widthOf(word, run.bold);
      if (used > 0 && used + space + w > width) {
        lines.push([]);
        used = 0;
      } else if (pending) place(pending.text, pending.bold, space);
      pending = null;
      while (w > width - used && word.length > 1) {
        let cut = word.length - 1;
        while (cut > 1 && widthOf(word.slice(0, cut), run.bold) > width - used) cut--;
        place(word.slice(0, cut), run.bold, 0);
        lines.push([]);
        used = 0;
        word = word.slice(cut);
        w = widthOf(word, run.bold);
      }
      place(word, run.bold, w);
    }
  }
  return lines.map(mergeRuns);
};

/**
 * Italic is the regular face slanted: a third embedded face would cost each notice about
 * 1.4 ms of subsetting for the few short lines set in italic (place and date, image captions).
 */
type TStyle = TNoticeFace | 'italic';
const OBLIQUE_DEGREES = 11;

const line = (pdf: TPdf, style: TStyle, size: number, value: string, x: number, y: number, width: number, align: 'left' | 'center' = 'center'): number => {
  pdf
    .font(style === 'italic' ? 'regular' : style)
    .fontSize(size)
    .text(nfc(value), x, y, { width, align, lineGap: 1, ...(style === 'italic' ? { oblique: OBLIQUE_DEGREES } : {}) });
  return pdf.y;
};

const underline = (pdf: TPdf, centre: number, y: number, width: number): void => {
  pdf.moveTo(centre - width / 2, y).lineTo(centre + width / 2, y).lineWidth(0.6).strokeColor('black').stroke();
};

/** An evidence picture fitted in its box, centred, with a hairline frame. */
const picture = (pdf: TPdf, bytes: Buffer, x: number, y: number, width: number, height: number): void => {
  pdf.image(bytes, x, y, { fit: [width, height], align: 'center', valign: 'center' });
  pdf.rect(x, y, width, height).lineWidth(0.4).strokeColor('#888888').stroke();
};

const drawQr = (pdf: TPdf, url: string, x: number, y: number, size: number): void => {
  const qr = qrRuns(url);
  const module = size / qr.size;
  for (const run of qr.runs) pdf.rect(x + run.col * module, y + run.row * module, run.length * module, module);
  pdf.fillColor('black').fill();
};

const header = (pdf: TPdf, notice: TNoticeDocument, lang: TNoticeLang): number => {
  const leftWidth = 214;
  const rightX = MARGIN.left + leftWidth + 8;
  const rightWidth = CONTENT_WIDTH - leftWidth - 8;
  let left = line(pdf, 'regular', BODY, notice.issuer.parentName, MARGIN.left, MARGIN.top, leftWidth);
  left = line(pdf, 'bold', BODY, notice.issuer.name, MARGIN.left, left, leftWidth);
  underline(pdf, MARGIN.left + leftWidth / 2, left + 1, leftWidth / 3);
  let right = line(pdf, 'bold', BODY, noticeText(lang, 'motto.country'), rightX, MARGIN.top, rightWidth);
  const slogan = noticeText(lang, 'motto.slogan');
  right = line(pdf, 'bold', BODY + 0.5, slogan, rightX, right, rightWidth);
  underline(pdf, rightX + rightWidth / 2, right + 1, pdf.widthOfString(slogan));
  const row = Math.max(left, right) + 8;
  const afterNumber = line(pdf, 'regular', BODY, noticeText(lang, 'number', { number: notice.number }), MARGIN.left, row, leftWidth);
  const afterDate = line(pdf, 'italic', BODY, dateLine(lang, notice.issuer.place, notice.issuedOn), rightX, row, rightWidth);
  return Math.max(afterNumber, afterDate);
};

/** The facts as "label: value" lines: what was seen (vehicle, time, place, act) and what follows from it (provision, fine, points). */
const facts = (notice: TNoticeDocument, lang: TNoticeLang): { seen: TSegment[][]; consequences: TSegment[][] } => {
  const { vehicle, act } = notice;
  const field = (key: string, value: string) => segments(lang, `field.${key}`, { value });
  const actWords = words(lang, `violation.${act.violation}`);
  const description = [vehicle.make, vehicle.model, vehicle.color].filter((v): v is string => Boolean(v)).join(', ');
  return {
    seen: [
      field('vehicleClass', words(lang, `vehicleClass.${vehicle.vehicleClass}`)),
      field('plate', vehicle.plate),
      field('plateColor', words(lang, `plateColor.${vehicle.plateColor}`)),
      ...(description ? [field('vehicle', description)] : []),
      field('time', vietnamDateTime(act.capturedAt)),
      field('place', act.place),
      field('act', act.speed ? noticeText(lang, 'speed', { act: actWords, measured: act.speed.measuredKmh, limit: act.speed.limitKmh }) : actWords),
    ],
    consequences: [
      field('legalBasis', act.legalBasis),
      field('fineRange', noticeText(lang, 'fineRange', { min: money(lang, act.fineMin), max: money(lang, act.fineMax) })),
      field('amount', money(lang, act.amount)),
      field('points', act.points > 0 ? noticeText(lang, 'points', { n: act.points }) : noticeText(lang, 'points.none')),
    ],
  };
};

/** A list item: a dash, and the text wrapped with a hanging indent. */
const item = (pdf: TPdf, runs: TSegment[], x: number, y: number, width: number): number => {
  pdf.font('regular').fontSize(BODY).text('-', x, y, { lineBreak: false });
  return paragraph(pdf, runs, x + 8, y, width - 8) + 1;
};

const factsAndEvidence = (pdf: TPdf, notice: TNoticeDocument, lang: TNoticeLang, top: number): number => {
  const { seen, consequences } = facts(notice, lang);
  const evidence = notice.evidence;
  const x = MARGIN.left + 10;
  const width = MARGIN.left + CONTENT_WIDTH - x;
  // Lines that start beside the picture wrap short of it; the rest use the full width.
  const imageBottom = evidence.length > 0 ? top + SIDE_IMAGE.height + 14 : top;
  let y = top;
  for (const runs of [...seen, ...consequences]) y = item(pdf, runs, x, y, y < imageBottom ? width - SIDE_IMAGE.width - 12 : width);
  if (evidence.length === 0) return y;
  const imageX = MARGIN.left + CONTENT_WIDTH - SIDE_IMAGE.width;
  picture(pdf, evidence[0]!.bytes, imageX, top, SIDE_IMAGE.width, SIDE_IMAGE.height);
  const caption = evidence.length === 1 ? noticeText(lang, 'evidence') : noticeText(lang, 'evidence.more', { total: evidence.length });
  return Math.max(y, line(pdf, 'italic', SMALL, caption, imageX, top + SIDE_IMAGE.height + 2, SIDE_IMAGE.width));
};

/** With several images, a last page shows them all (up to ANNEX_IMAGES), two to a row: the evidence attached to the notice. */
const evidenceAnnex = (pdf: TPdf, notice: TNoticeDocument, lang: TNoticeLang): void => {
  const evidence = notice.evidence;
  if (evidence.length < 2) return;
  pdf.addPage();
  let y = line(pdf, 'bold', BODY + 1, noticeText(lang, 'annex.title', { number: notice.number }), MARGIN.left, MARGIN.top, CONTENT_WIDTH) + 10;
  const shown = evidence.slice(0, ANNEX_IMAGES);
  const cell = { width: (CONTENT_WIDTH - 16) / 2, height: ((CONTENT_WIDTH - 16) / 2) * 0.75 };
  for (let row = 0; row * 2 < shown.length; row++) {
    for (let col = 0; col < 2 && row * 2 + col < shown.length; col++) {
      const n = row * 2 + col;
      const x = MARGIN.left + col * (cell.width + 16);
      picture(pdf, shown[n]!.bytes, x, y, cell.width, cell.height);
      line(pdf, 'italic', SMALL, noticeText(lang, 'annex.caption', { n: n + 1, total: evidence.length }), x, y + cell.height + 2, cell.width);
    }
    y += cell.height + 22;
  }
  if (evidence.length > shown.length) line(pdf, 'italic', SMALL, noticeText(lang, 'annex.more', { shown: shown.length, total: evidence.length }), MARGIN.left, y, CONTENT_WIDTH);
};

/** The height `runs` take as one paragraph, measured in bold (a little wider than the mix: never short). */
const heightOf = (pdf: TPdf, runs: TSegment[], width: number, size: number): number =>
  pdf.font('bold').fontSize(size).heightOfString(nfc(runs.map((r) => r.text).join('')), { width, lineGap: LINE_GAP });

const ACCESS_PAD = 7;
const ACCESS_TEXT_X = MARGIN.left + ACCESS_PAD + QR_SIZE + 12;
const ACCESS_TEXT_WIDTH = MARGIN.left + CONTENT_WIDTH - ACCESS_PAD - ACCESS_TEXT_X;

/** The access box's paragraphs: title, how to look the notice up, URL and code, scam warning; with their sizes and the space before each. */
const accessParagraphs = (notice: TNoticeDocument, lang: TNoticeLang): { runs: TSegment[]; size: number; before: number }[] => [
  { runs: [{ text: noticeText(lang, 'access.title'), bold: true }], size: BODY, before: 0 },
  { runs: segments(lang, 'access.text'), size: SMALL + 0.5, before: 0 },
  {
    runs: [...segments(lang, 'access.url', { url: notice.access.shortUrl }), { text: '    ', bold: false }, ...segments(lang, 'access.code', { code: notice.access.code })],
    size: BODY,
    before: 1,
  },
  { runs: segments(lang, 'scam'), size: SMALL, before: 3 },
];

const accessBoxHeight = (pdf: TPdf, notice: TNoticeDocument, lang: TNoticeLang): number => {
  const text = accessParagraphs(notice, lang).reduce((h, p) => h + p.before + heightOf(pdf, p.runs, ACCESS_TEXT_WIDTH, p.size), 0);
  return Math.max(text, QR_SIZE) + 2 * ACCESS_PAD;
};

/** The QR code, the short URL and access code, and the scam warning, in one framed box. */
const accessBox = (pdf: TPdf, notice: TNoticeDocument, lang: TNoticeLang, top: number): number => {
  drawQr(pdf, notice.access.qrUrl, MARGIN.left + ACCESS_PAD, top + ACCESS_PAD, QR_SIZE);
  let y = top + ACCESS_PAD;
  for (const p of accessParagraphs(notice, lang)) y = paragraph(pdf, p.runs, ACCESS_TEXT_X, y + p.before, ACCESS_TEXT_WIDTH, p.size);
  const bottom = Math.max(y, top + ACCESS_PAD + QR_SIZE) + ACCESS_PAD;
  pdf.rect(MARGIN.left, top, CONTENT_WIDTH, bottom - top).lineWidth(0.8).strokeColor('black').stroke();
  return bottom;
};

/** "Nơi nhận" on the left, the signer's title and room for signature and seal on the right. */
const closing = (pdf: TPdf, notice: TNoticeDocument, lang: TNoticeLang, top: number): number => {
  const leftWidth = 220;
  const rightX = MARGIN.left + leftWidth + 20;
  const rightWidth = CONTENT_WIDTH - leftWidth - 20;
  let left = line(pdf, 'bold', BODY, noticeText(lang, 'recipients.title'), MARGIN.left, top, leftWidth, 'left');
  for (const item of [noticeText(lang, 'recipients.addressee'), noticeText(lang, 'recipients.handlingUnit', { unit: notice.handlingUnit.name }), noticeText(lang, 'recipients.file')]) {
    left = line(pdf, 'regular', SMALL, item, MARGIN.left, left, leftWidth, 'left');
  }
  const right = line(pdf, 'bold', BODY, notice.issuer.signerTitle ?? noticeText(lang, 'signer.title'), rightX, top, rightWidth);
  return Math.max(left, right + SIGNATURE_SPACE);
};

/** Height the closing block needs, to move it whole to the next page rather than split it. */
const CLOSING_HEIGHT = 2 * 14 + SIGNATURE_SPACE;
const CLOSING_GAP = 10;

const pageNumbers = (pdf: TPdf, lang: TNoticeLang): void => {
  const { start, count } = pdf.bufferedPageRange();
  if (count < 2) return;
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    // Writing below the bottom margin would make pdfkit start a new page.
    pdf.page.margins.bottom = 0;
    line(pdf, 'regular', SMALL, noticeText(lang, 'page', { n: i + 1, total: count }), MARGIN.left, PAGE.height - 24, CONTENT_WIDTH);
  }
};

/**
 * Registers the shared fonts, opens them in a fixed order (their subset tags come from it)
 * and hands pdfkit the shared word layouts. `layoutCache` is pdfkit's own field (0.20);
 * should it go, notices still render the same, only slower (the benchmark shows it).
 */
const useFonts = (pdf: TPdf, assets: TNoticeAssets): void => {
  assets.layout.startDocument();
  for (const face of Object.keys(NOTICE_FACES) as TNoticeFace[]) {
    pdf.registerFont(face, assets.fonts[face] as unknown as Buffer);
    pdf.font(face);
    const opened = (pdf as unknown as { _font: { layoutCache?: object } })._font;
    if (opened.layoutCache) opened.layoutCache = assets.layout.of(face);
  }
};

/**
 * The notice as PDF bytes: a pure function of `notice` (and the fonts), so rendering it
 * again gives the same bytes. pdfkit's file ID is an MD5 of the document info, the font
 * subset tags come from the font's order in the document, and compression is zlib's,
 * deterministic for one zlib; the only clock it reads is the info's dates, set here to
 * the start of the issue day in Vietnam.
 */
export const renderNotice = async (notice: TNoticeDocument, assets: TNoticeAssets): Promise<Buffer> => {
  const lang = notice.language;
  const issued = startOfDay(notice.issuedOn);
  const pdf = new PDFDocument({
    size: 'A4',
    // No default font: pdfkit would parse Helvetica's metrics and write a font object no text uses.
    font: null as unknown as string,
    margins: MARGIN,
    bufferPages: true,
    lang: lang === 'vi' ? 'vi-VN' : 'en-GB',
    displayTitle: true,
    info: {
      Title: noticeText(lang, 'info.title', { number: notice.number }),
      Subject: noticeText(lang, 'info.subject'),
      Author: notice.issuer.name,
      Creator: NOTICE_PRODUCER,
      Producer: NOTICE_PRODUCER,
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  useFonts(pdf, assets);

  let y = header(pdf, notice, lang) + 12;
  y = line(pdf, 'bold', 14, noticeText(lang, 'title'), MARGIN.left, y, CONTENT_WIDTH);
  y = line(pdf, 'bold', BODY + 0.5, noticeText(lang, 'subtitle'), MARGIN.left + 40, y + 1, CONTENT_WIDTH - 80) + 8;
  y = paragraph(pdf, segments(lang, `addressee.${notice.owner.kind}`, { name: notice.owner.name }), MARGIN.left, y, CONTENT_WIDTH);
  y = paragraph(pdf, segments(lang, 'address', { address: notice.owner.address }), MARGIN.left, y, CONTENT_WIDTH) + GAP;
  y = paragraph(pdf, segments(lang, 'detection', { unit: notice.detectingUnit }), MARGIN.left, y, CONTENT_WIDTH, BODY, 'justify') + 2;
  y = factsAndEvidence(pdf, notice, lang, y) + GAP;

  const unit = notice.handlingUnit;
  const where =
    (unit.address ? noticeText(lang, 'summons.address', { address: unit.address }) : '') +
    (unit.phone ? noticeText(lang, 'summons.phone', { phone: unit.phone.replaceAll(' ', NBSP) }) : '');
  const due = dayMonthYear(notice.responseDue.lastDay);
  y = paragraph(pdf, segments(lang, 'summons', { unit: unit.name, where, due, basis: notice.responseDue.basis }), MARGIN.left, y, CONTENT_WIDTH, BODY, 'justify') + 2;
  y = paragraph(pdf, segments(lang, 'summons.local'), MARGIN.left, y, CONTENT_WIDTH, BODY, 'justify') + 2;
  y = paragraph(pdf, segments(lang, 'bring'), MARGIN.left, y, CONTENT_WIDTH, BODY, 'justify') + 2;
  const consequence = [...segments(lang, 'consequence')];
  if (TWO_WHEELERS.has(notice.vehicle.vehicleClass)) consequence.push({ text: ' ', bold: false }, ...segments(lang, 'consequence.twoWheeler'));
  y = paragraph(pdf, consequence, MARGIN.left, y, CONTENT_WIDTH, BODY, 'justify') + GAP + 2;

  // The access box and the signature go together: a signature never stands alone on a page.
  if (y + accessBoxHeight(pdf, notice, lang) + CLOSING_GAP + CLOSING_HEIGHT > PAGE.height - MARGIN.bottom) {
    pdf.addPage();
    y = MARGIN.top;
  }
  y = accessBox(pdf, notice, lang, y) + CLOSING_GAP;
  closing(pdf, notice, lang, y);
  evidenceAnnex(pdf, notice, lang);
  pageNumbers(pdf, lang);
  pdf.end();
  return done;
};

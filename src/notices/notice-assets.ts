import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import { SharedLayoutCache } from './layout-cache.ts';

/** The faces a notice uses, by the names it registers them under in each document. */
export const NOTICE_FACES = {
  regular: 'DejaVuSerifCondensed.ttf',
  bold: 'DejaVuSerifCondensed-Bold.ttf',
} as const;
export type TNoticeFace = keyof typeof NOTICE_FACES;

/** What every notice shares: the parsed fonts (see templates/fonts/README.md) and the words already laid out in them. */
export type TNoticeAssets = { fonts: Record<TNoticeFace, fontkit.Font>; layout: SharedLayoutCache };

/** The directory of the `dejavu-fonts-ttf` package's TTF files, wherever npm put it. */
export const fontDirectory = (): string => join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/**
 * fontkit keeps one Glyph per glyph id, with the code points of the first lookup, and
 * pdfkit's ToUnicode map takes the code points of the glyph it lays out. Shared between
 * documents that breaks two ways: the subsetter looks glyphs up with no code points (the
 * base letter inside an accented one: "E" in "Ệ"), so a later document's plain "E" would
 * extract as nothing; and where two characters share a glyph (a space and a no-break
 * space), the map would depend on what earlier documents printed, and the bytes with it.
 * So a lookup that names code points sets them: every document maps its glyphs from its
 * own text. Rendering is synchronous from layout to font embedding, so documents never
 * interleave their lookups.
 */
const keepCodePoints = (font: fontkit.Font): fontkit.Font => {
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id: number, codePoints: number[] = []) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph && codePoints.length > 0) (glyph as { codePoints: number[] }).codePoints = codePoints;
    return glyph;
  };
  return font;
};

const parse = (file: string): fontkit.Font => {
  const font = fontkit.create(readFileSync(join(fontDirectory(), file)));
  if (!('layout' in font)) throw new Error(`${file} is a font collection, not a font`);
  return keepCodePoints(font);
};

let loaded: TNoticeAssets | undefined;

/**
 * The fonts parsed once per process (and the shared word layouts, see layout-cache.ts): pdfkit re-parses a font given as a path or buffer in
 * every document (about 10 ms a face), while a parsed fontkit font is shared and each
 * document still embeds only the subset it uses.
 */
export const loadNoticeAssets = (): TNoticeAssets => {
  loaded ??= {
    fonts: {
      regular: parse(NOTICE_FACES.regular),
      bold: parse(NOTICE_FACES.bold),
    },
    layout: new SharedLayoutCache(),
  };
  return loaded;
};

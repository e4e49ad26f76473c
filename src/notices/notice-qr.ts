import QRCode from 'qrcode';

/** The dark modules of a QR code, one rectangle per horizontal run, in module units. */
export type TQrRuns = { size: number; runs: { row: number; col: number; length: number }[] };

/**
 * The QR code of `url` as runs of dark modules. The notice draws them as vector
 * rectangles rather than embedding a PNG: sharp at any print resolution, a few hundred
 * bytes, and no PNG encode (qrcode) then decode and re-deflate (pdfkit) per notice.
 * Error correction M (15 %) survives a folded or slightly soiled paper notice.
 */
export const qrRuns = (url: string): TQrRuns => {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const runs: TQrRuns['runs'] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && modules.get(row, col)) col++;
      runs.push({ row, col: start, length: col - start });
    }
  }
  return { size, runs };
};

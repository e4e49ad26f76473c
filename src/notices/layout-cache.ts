import type { TNoticeFace } from './notice-assets.ts';

/** Notices between two renewals of the word caches: bounds their memory (names, addresses and numbers are mostly new words). */
const RENEW_EVERY = 1_000;

/**
 * pdfkit lays text out word by word through fontkit (OpenType shaping: most of a notice's
 * CPU) and caches the words per document. Nearly every word of a notice is in every other
 * one, so the caches are shared by all notices of the process, one per face, renewed
 * every RENEW_EVERY notices. A cached word holds glyph ids, advances and fontkit's glyph
 * objects, which are shared anyway; pdfkit reads cached runs without changing them. The
 * bytes do not depend on what the caches hold (a test renders a notice in a fresh process
 * and after others), as long as text reaches the font in one Unicode form (render-notice
 * normalises to NFC): then every glyph stands for one sequence of code points.
 */
export class SharedLayoutCache {
  private caches = new Map<TNoticeFace, object>();
  private documents = 0;

  /** Called once per notice, before its text is laid out. */
  startDocument(): void {
    if (++this.documents % RENEW_EVERY === 0) this.caches.clear();
  }

  /** The cache pdfkit is to use for `face` in the current notice. */
  of(face: TNoticeFace): object {
    let cache = this.caches.get(face);
    if (!cache) {
      cache = Object.create(null) as object;
      this.caches.set(face, cache);
    }
    return cache;
  }
}

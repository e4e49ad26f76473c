import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { AppError } from '../shared/app-error.ts';
import type { ContentStore } from './content-store.ts';

/**
 * Streams a stored file as the answer: private and never kept (no-store: shared phones and
 * review stations keep nothing once the access ends), not sniffed, not embeddable by other
 * sites. A file missing from the store is the operator's problem (500), found before any
 * header is sent.
 */
export const sendStored = async (
  req: Request,
  res: Response,
  store: ContentStore,
  file: { sha256: string; contentType: string; bytes?: number | null; disposition?: string },
): Promise<void> => {
  const stream = store.read(file.sha256);
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new AppError('INTERNAL', `stored file ${file.sha256} is missing`, { cause: err });
  }
  res.status(200).type(file.contentType).set({
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
    // Other sites may not embed it (they would get nothing without the cookies anyway).
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Disposition': file.disposition ?? 'inline',
    ...(file.bytes ? { 'Content-Length': String(file.bytes) } : {}),
  });
  // A client that goes away mid-file is not an error of ours.
  await pipeline(stream, res).catch((err: unknown) => req.log.debug({ err }, 'stored file stream ended early'));
};

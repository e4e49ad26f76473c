/**
 * The two evidence types of the camera contract, recognised by their bytes. The contract
 * needs only "are these bytes the type claimed", so a general sniffer (file-type: async,
 * dozens of formats, a tokenizer per call) is more than the hot path should pay; this
 * decides the two types as file-type did:
 * - JPEG: an SOI marker followed by another marker (FF D8 FF), except JPEG-LS (FF D8 FF
 *   F7), which ordinary decoders cannot read.
 * - PNG: the 8-byte signature, an IHDR chunk first (RFC 2083 §4.1.1), and image data
 *   (IDAT) before any acTL chunk: an animated PNG is not a still image.
 */
export type TImageType = 'image/jpeg' | 'image/png';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Chunk length (4), type (4) and CRC (4) around a PNG chunk's data. */
const PNG_CHUNK_FRAME = 12;

const isJpeg = (b: Buffer): boolean => b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff && b[3] !== 0xf7;

const isStillPng = (b: Buffer): boolean => {
  if (b.length < 16 || b.compare(PNG_SIGNATURE, 0, 8, 0, 8) !== 0) return false;
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return false;
  // Chunk headers only: each step skips a chunk's data, so the walk is a few reads.
  for (let at = 8; at + 8 <= b.length; at += PNG_CHUNK_FRAME + b.readUInt32BE(at)) {
    const type = b.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') return true;
    if (type === 'acTL') return false;
  }
  return false;
};

/** Which of the contract's image types the bytes are, if any. */
export const imageTypeOf = (bytes: Buffer): TImageType | undefined => (isJpeg(bytes) ? 'image/jpeg' : isStillPng(bytes) ? 'image/png' : undefined);

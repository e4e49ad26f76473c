// Synthetic evidence images for the demo, the tests and the benchmark: real, decodable
// PNGs made with zlib, so no binary fixtures need to be checked in.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

const crc32 = (buf: Buffer): number => {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const chunk = (type: string, data: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/**
 * An RGB PNG of `width`×`height` whose pixels come from a seeded generator (noise does
 * not compress, so the size tracks width×height: 100×100 ≈ 30 KB).
 */
export const samplePng = (width = 100, height = 100, seed = 1): Buffer => {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s & 0xff;
  };
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let i = 1; i < row.length; i++) row[i] = rand();
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

/** The smallest JFIF header a JPEG sniffer recognises, with `padding` bytes of comment. */
export const sampleJpegHeader = (padding = 0): Buffer =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    Buffer.alloc(padding, 0x20),
    Buffer.from([0xff, 0xd9]),
  ]);

// A small baseline JPEG encoder (greyscale, one scan) so tests and the benchmark have real,
// decodable JPEG evidence without binary fixtures or an image package. Its Huffman tables
// are not the spec's example tables but flat ones (every DC symbol 4 bits, every AC symbol 8
// bits): valid JPEG, a little larger, and nothing to copy from the spec.

const ZIGZAG = (() => {
  const order: number[] = [];
  for (let s = 0; s <= 14; s++) {
    const lo = Math.max(0, s - 7);
    const hi = Math.min(s, 7);
    for (let k = 0; k <= hi - lo; k++) {
      const row = s % 2 === 0 ? hi - k : lo + k;
      order.push(row * 8 + (s - row));
    }
  }
  return order;
})();

/** The luminance quantisation table of ITU-T T.81 Annex K, scaled to quality 75, in zigzag order. */
const QUANT_NATURAL = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56,
  68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
].map((q) => Math.max(1, Math.floor((q * 50 + 50) / 100)));
const QUANT = ZIGZAG.map((natural) => QUANT_NATURAL[natural]!);

const COS = Array.from({ length: 64 }, (_, i) => {
  const x = i >> 3;
  const u = i & 7;
  return Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1) * 0.5;
});

const AC_SYMBOLS = [0x00, 0xf0, ...Array.from({ length: 160 }, (_, i) => ((i / 10) << 4) | ((i % 10) + 1))];
const AC_CODE = new Map(AC_SYMBOLS.map((s, i) => [s, i]));

const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];

/**
 * A greyscale JPEG of a synthetic road scene (sky, road, lane marks, a car with a plate) with
 * seeded noise, so two seeds give two different files; 640×480 ≈ 40 KB.
 */
export const sampleJpeg = (width = 640, height = 480, seed = 1): Buffer => {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
  const pixel = (x: number, y: number): number => {
    const fx = x / width;
    const fy = y / height;
    let v = fy < 0.4 ? 200 - 60 * fy : 90 + 40 * fy;
    if (fy >= 0.4 && Math.abs(fx - 0.5) < 0.006 + 0.02 * fy && Math.floor(fy * 20) % 2 === 0) v = 235;
    const car = fx > 0.3 && fx < 0.7 && fy > 0.45 && fy < 0.85;
    if (car) v = fy < 0.58 && fx > 0.36 && fx < 0.64 ? 60 : 150;
    if (fx > 0.43 && fx < 0.57 && fy > 0.74 && fy < 0.8) v = Math.floor(fx * 60) % 2 === 0 && fy > 0.755 && fy < 0.785 ? 20 : 245;
    return v + (rand() - 0.5) * 24;
  };

  const bytes: number[] = [];
  let acc = 0;
  let nbits = 0;
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++nbits === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0);
        acc = 0;
        nbits = 0;
      }
    }
  };
  const category = (v: number) => (v === 0 ? 0 : 32 - Math.clz32(Math.abs(v)));
  const putValue = (v: number, size: number) => put(v > 0 ? v : v + (1 << size) - 1, size);

  const block = new Float64Array(64);
  const rows = new Float64Array(64);
  let previousDc = 0;
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let i = 0; i < 64; i++) block[i] = pixel(Math.min(bx + (i & 7), width - 1), Math.min(by + (i >> 3), height - 1)) - 128;
      // Separable DCT-II: rows, then columns.
      for (let y = 0; y < 8; y++)
        for (let u = 0; u < 8; u++) {
          let sum = 0;
          for (let x = 0; x < 8; x++) sum += block[y * 8 + x]! * COS[x * 8 + u]!;
          rows[y * 8 + u] = sum;
        }
      const coefficients = ZIGZAG.map((natural, k) => {
        const u = natural & 7;
        const v = natural >> 3;
        let sum = 0;
        for (let y = 0; y < 8; y++) sum += rows[y * 8 + u]! * COS[y * 8 + v]!;
        return Math.round(sum / QUANT[k]!);
      });
      const dc = coefficients[0]!;
      const diffSize = category(dc - previousDc);
      put(diffSize, 4);
      if (diffSize) putValue(dc - previousDc, diffSize);
      previousDc = dc;
      let run = 0;
      for (let k = 1; k < 64; k++) {
        const c = Math.max(-1023, Math.min(1023, coefficients[k]!));
        if (c === 0) {
          run++;
          continue;
        }
        while (run > 15) {
          put(AC_CODE.get(0xf0)!, 8);
          run -= 16;
        }
        const size = category(c);
        put(AC_CODE.get((run << 4) | size)!, 8);
        putValue(c, size);
        run = 0;
      }
      if (run > 0) put(AC_CODE.get(0x00)!, 8);
    }
  }
  if (nbits > 0) put(0x7f, 8 - nbits);

  const bitsOfLength = (length: number, count: number) => Array.from({ length: 16 }, (_, i) => (i === length - 1 ? count : 0));
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    ...segment(0xdb, [0x00, ...QUANT]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...bitsOfLength(4, 12), ...Array.from({ length: 12 }, (_, i) => i)]),
    ...segment(0xc4, [0x10, ...bitsOfLength(8, AC_SYMBOLS.length), ...AC_SYMBOLS]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...bytes,
    0xff, 0xd9,
  ]);
};

import { describe, expect, it } from 'vitest';
import { imageTypeOf } from '../src/events/image-type.ts';
import { sampleJpegHeader, samplePng } from '../scripts/sample-images.ts';

/** A PNG chunk's frame around its data (the CRC is not checked by type recognition). */
const chunk = (type: string, data = Buffer.alloc(0)) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
};
const png = samplePng(8, 8);
const signature = png.subarray(0, 8);
const ihdr = png.subarray(8, 33);

describe('imageTypeOf', () => {
  it('recognises the JPEG and PNG evidence the contract allows', () => {
    expect(imageTypeOf(sampleJpegHeader(16))).toBe('image/jpeg');
    expect(imageTypeOf(png)).toBe('image/png');
  });

  it.each([
    ['JPEG-LS (FF D8 FF F7)', Buffer.from([0xff, 0xd8, 0xff, 0xf7, 0, 0])],
    ['an animated PNG (acTL before IDAT)', Buffer.concat([signature, ihdr, chunk('acTL', Buffer.alloc(8)), chunk('IDAT', Buffer.alloc(4)), chunk('IEND')])],
    ['a PNG whose first chunk is not IHDR', Buffer.concat([signature, chunk('tEXt', Buffer.from('a')), ihdr, chunk('IDAT'), chunk('IEND')])],
    ['a PNG without image data', Buffer.concat([signature, ihdr, chunk('IEND')])],
    ['a PNG cut inside its header', png.subarray(0, 12)],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['text', Buffer.from('hello, I am not an image at all')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(imageTypeOf(bytes)).toBeUndefined();
  });
});

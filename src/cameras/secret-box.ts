import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Camera HMAC secrets must be readable by the server (it recomputes signatures), so they
 * are encrypted at rest, not hashed: AES-256-GCM, stored as `v1.iv.tag.ciphertext`.
 */
export const sealSecret = (key: Buffer, secret: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
};

export const openSecret = (key: Buffer, sealed: string): Buffer => {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !body) throw new Error('unrecognised sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]);
};

/** 32 random bytes, hex: what `camera add` prints once when no secret is given. */
export const generateSecret = (): string => randomBytes(32).toString('hex');

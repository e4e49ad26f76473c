import { z } from 'zod';
import { PlateColor, VehicleClass, Violation } from '../generated/prisma/enums.ts';

const decodeStrictBase64 = (text: string): Buffer | undefined => {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (text.length / 4) * 3 - pad ? bytes : undefined;
};

// C0 controls (NUL among them: PostgreSQL text refuses it), DEL, and UTF-16 surrogates
// without their partner (they cannot be stored as UTF-8). Without the `u` flag the
// pattern sees code units, which is what finding a lone surrogate needs.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSTORABLE_TEXT = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A text field of the camera contract: length-bounded, and only characters that can be stored and shown safely. */
const cameraText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((text) => !UNSTORABLE_TEXT.test(text), 'must not contain control characters (U+0000–U+001F, U+007F) or unpaired surrogates');

/** Version 1 of the camera contract; integrators build against it, so change it only additively. */
export const ZEvidenceItem = z
  .object({
    kind: z.literal('image'),
    contentType: z.enum(['image/jpeg', 'image/png']),
    // Decoded here, once. Node's decoder skips characters that are not base64, so a
    // strict check is "the decoded length is what the text length promises"; cheaper than
    // z.base64(), which runs a regex and atob over the whole image.
    data: z
      .string()
      .min(4)
      .transform((text, ctx) => {
        const bytes = decodeStrictBase64(text);
        if (!bytes) ctx.addIssue({ code: 'custom', message: 'must be standard base64 (RFC 4648 §4)' });
        return bytes ?? Buffer.alloc(0);
      })
      .meta({ description: 'The image bytes, standard base64 (RFC 4648 §4)' }),
  })
  .meta({ id: 'EvidenceItem' });

export const ZCameraEvent = z
  .object({
    eventId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')
      .meta({ description: 'Unique per camera; a resend of the same event carries the same id.' }),
    capturedAt: z.iso
      .datetime({ offset: true })
      .meta({ description: 'ISO-8601 with an offset or Z', example: '2026-11-20T08:15:30+07:00' }),
    violation: z.enum(Violation).meta({
      description: 'The act, a code of the fine tables (Decree 168/2024/NĐ-CP); new codes are only ever added. An act the rules do not fine at this site and time still makes a case, for an officer.',
    }),
    vehicleClass: z.enum(VehicleClass),
    plate: z
      .object({
        text: cameraText(1, 32).meta({ description: 'As read, e.g. "51F-123.45" or "29-HA 002.33"' }),
        confidence: z.number().min(0).max(1),
        color: z.enum(PlateColor),
      })
      .meta({ id: 'PlateRead' }),
    speed: z
      .object({
        measuredKmh: z.number().int().min(1).max(400),
        limitKmh: z.number().int().min(5).max(150),
      })
      .optional()
      .meta({ description: 'Required when violation is SPEEDING' }),
    lane: cameraText(1, 16).optional(),
    signalPhase: z.enum(['RED', 'AMBER', 'GREEN', 'OFF']).optional(),
    passengerCount: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .meta({ description: 'Passengers besides the rider; required when violation is EXCESS_PASSENGERS' }),
    location: z
      .object({
        lat: z.number().min(-90).max(90),
        lng: z.number().min(-180).max(180),
        description: cameraText(0, 500).optional(),
      })
      .optional()
      .meta({ description: 'Mobile cameras only; fixed cameras use their site' }),
    evidence: z.array(ZEvidenceItem).min(1).max(10),
  })
  .superRefine((e, ctx) => {
    if (e.violation === 'SPEEDING') {
      if (!e.speed) ctx.addIssue({ code: 'custom', path: ['speed'], message: 'required when violation is SPEEDING' });
      else if (e.speed.measuredKmh <= e.speed.limitKmh) {
        ctx.addIssue({ code: 'custom', path: ['speed', 'measuredKmh'], message: 'must exceed limitKmh for SPEEDING' });
      }
    }
    if (e.violation === 'EXCESS_PASSENGERS' && e.passengerCount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['passengerCount'], message: 'required when violation is EXCESS_PASSENGERS' });
    }
  })
  .meta({ id: 'CameraEvent' });

export type TCameraEvent = z.infer<typeof ZCameraEvent>;

export const ZIngestAnswer = z
  .object({
    eventId: z.string(),
    status: z.enum(['accepted', 'rejected']),
    duplicate: z.boolean().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'IngestAnswer' });

export type TIngestAnswer = z.infer<typeof ZIngestAnswer>;

import { samplePng } from '../../scripts/sample-images.ts';

let seq = 0;

/** A valid v1 camera event; override any field. */
export const makeEvent = (over: Record<string, unknown> = {}) => ({
  eventId: `ev-${process.pid}-${Date.now()}-${seq++}`,
  capturedAt: new Date(Date.now() - 60_000).toISOString(),
  violation: 'RED_LIGHT',
  vehicleClass: 'CAR',
  plate: { text: '51F-123.45', confidence: 0.96, color: 'WHITE' },
  signalPhase: 'RED',
  lane: '2',
  evidence: [{ kind: 'image', contentType: 'image/png', data: samplePng(16, 16, seq + 1).toString('base64') }],
  ...over,
});

/** Polls until `fn` returns a truthy value, or fails after `ms`. */
export const eventually = async <T>(fn: () => Promise<T>, ms = 15_000, what = 'condition'): Promise<NonNullable<T>> => {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

import { postEvent } from './scripts/camera-client.ts';
import { samplePng } from './scripts/sample-images.ts';
const cred = { baseUrl: 'http://127.0.0.1:3999', cameraCode: 'CAM-1', secret: process.env.SECRET! };
const ev = (id: string, extra = {}) => ({ eventId: id, capturedAt: new Date(Date.now() - 60000).toISOString(), violation: 'RED_LIGHT', vehicleClass: 'CAR', plate: { text: '51F-123.45', confidence: 0.97, color: 'WHITE' }, signalPhase: 'RED', evidence: [{ kind: 'image', contentType: 'image/png', data: samplePng(20, 20).toString('base64') }], ...extra });
for (const e of [ev('e1'), ev('e1'), ev('e2', { plate: { text: 'XYZ', confidence: 1, color: 'WHITE' } }), ev('e3', { capturedAt: '2030-01-01T00:00:00Z' }), ev('e4', {violation: 'SPEEDING'})]) {
  const r = await postEvent(cred, e); console.log(r.status, await r.text());
}

// A minimal camera: signs and posts events as the v1 contract says. Used by the demo,
// the tests and the benchmark; integrators can read it as a worked example.
import { signBody } from '../src/events/signature.ts';

export type TCameraCredentials = { baseUrl: string; cameraCode: string; secret: string };

export const signedHeaders = (cred: TCameraCredentials, body: string | Buffer, timestamp = Math.floor(Date.now() / 1000)) => ({
  'Content-Type': 'application/json',
  'X-Camera-Id': cred.cameraCode,
  'X-Timestamp': String(timestamp),
  'X-Signature': signBody(cred.secret, String(timestamp), body),
});

export const postEvent = async (cred: TCameraCredentials, event: unknown, timestamp?: number): Promise<Response> => {
  const body = JSON.stringify(event);
  return fetch(`${cred.baseUrl}/v1/camera-events`, { method: 'POST', headers: signedHeaders(cred, body, timestamp), body });
};

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/events/index.ts';

export type TStubRequest = { headers: IncomingHttpHeaders; body: Record<string, unknown>; signatureOk: boolean };
export type TStubMode = 'ok' | 'unavailable' | 'refuse' | 'hang';

/**
 * A delivery provider (SMS gateway, e-ID app) as a local HTTP server: checks each
 * request's signature with the shared key, keeps it, and answers as `mode` says: ok (200
 * with an id), unavailable (503), refuse (400), hang (reads the request, never answers).
 */
export const startProviderStub = async (key: string, prefix: string) => {
  const requests: TStubRequest[] = [];
  let mode: TStubMode = 'ok';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const check = verifySignature({
        secret: Buffer.from(key),
        timestamp: req.headers['x-timestamp'] as string | undefined,
        signature: req.headers['x-signature'] as string | undefined,
        body: raw,
        nowSeconds: Math.floor(Date.now() / 1000),
        toleranceSeconds: 60,
      });
      requests.push({ headers: req.headers, body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, signatureOk: check.ok });
      if (!check.ok) return void res.writeHead(401).end(JSON.stringify({ error: check.code }));
      if (mode === 'hang') return;
      if (mode === 'unavailable') return void res.writeHead(503).end('{"error":"maintenance"}');
      if (mode === 'refuse') return void res.writeHead(400).end('{"error":"no such subscriber"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `${prefix}-${requests.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`,
    requests,
    setMode: (m: TStubMode) => void (mode = m),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { TLogger } from '../shared/logger.ts';

export type TMetricsEndpoint = {
  host: string;
  port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
};

const authorised = (header: string | undefined, token: string | undefined): boolean => {
  if (!token) return true;
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/**
 * `GET /metrics` on a port of its own (by default on the loopback interface), apart from
 * the API that cameras and the public reach: only operators' Prometheus scrapes it,
 * optionally with a bearer token.
 */
export const serveMetrics = async (
  endpoint: TMetricsEndpoint,
  render: () => Promise<{ contentType: string; body: string }>,
  logger: TLogger,
): Promise<Server> => {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (!authorised(req.headers.authorization, endpoint.token)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
      return;
    }
    render().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      (err: unknown) => {
        logger.error({ err }, 'metrics could not be collected');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoint.port, endpoint.host, () => resolve());
  });
  logger.info({ host: endpoint.host, port: endpoint.port }, 'metrics listening');
  return server;
};

import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { AppError } from '../shared/app-error.ts';
import type { TLogger } from '../shared/logger.ts';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** Node's HTTP parser errors, in the project's error shape. */
const parserError = (code: string | undefined): AppError => {
  if (code === 'HPE_HEADER_OVERFLOW') return new AppError('HEADERS_TOO_LARGE', 'the request headers exceed 16 KB');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppError('REQUEST_TIMEOUT', 'the request was not received in time');
  return new AppError('MALFORMED_REQUEST', 'the request is not valid HTTP/1.1');
};

/**
 * The API's HTTP server. A request Node's parser refuses before express sees it (headers
 * over 16 KB, a malformed request line, headers never finished) still gets the one error
 * shape, then the connection is closed.
 */
export const createApiServer = (app: Express, logger: TLogger): Server => {
  const server = createServer(app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer = parserError(err.code);
    logger.info({ code: err.code, status: answer.status }, 'request refused by the HTTP parser');
    const body = JSON.stringify(answer.toJSON());
    socket.end(
      `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
};

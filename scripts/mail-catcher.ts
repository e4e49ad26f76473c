// A local SMTP server for the demo (and anyone trying the service without a mail
// server): accepts every message on SMTP_URL's port and writes it whole to
// var/demo-mail/<n>-<to>.eml, which any mail program opens. Docker users have Mailpit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export type TMailCatcher = { dir: string; count: () => number; close: () => Promise<void> };

export const startMailCatcher = async (port: number, dir = 'var/demo-mail'): Promise<TMailCatcher> => {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',').replace(/[^A-Za-z0-9@._-]/g, '_');
        writeFileSync(join(dir, `${String(++n).padStart(3, '0')}-${to}.eml`), Buffer.concat(chunks));
        done();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { dir, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
};

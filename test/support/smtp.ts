import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export type TReceived = { raw: Buffer; mail: ParsedMail; rcpt: string[] };

export type TSmtpOptions = {
  port?: number;
  /** A reply code (and text) for RCPT TO of an address: e.g. 550 for a bounce, 451 for "try later". */
  rcpt?: (address: string) => { code: number; message: string } | undefined;
  /** Called once a message is accepted (after the server's 250), e.g. to kill the sender then. */
  onAccepted?: (m: TReceived) => void;
};

/**
 * A real SMTP server in the test process (smtp-server), keeping every message it accepted,
 * parsed by mailparser: the inbox the dispatch tests read.
 */
export const startSmtp = async (o: TSmtpOptions = {}) => {
  const inbox: TReceived[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onRcptTo: (address, _session, cb) => {
      const refuse = o.rcpt?.(address.address);
      if (!refuse) return cb();
      cb(Object.assign(new Error(refuse.message), { responseCode: refuse.code }));
    },
    onData: (stream: SMTPServerDataStream, session: SMTPServerSession, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((mail) => {
          const m = { raw, mail, rcpt: session.envelope.rcptTo.map((r) => r.address) };
          inbox.push(m);
          cb(null, `Ok: queued as Q${inbox.length}`);
          o.onAccepted?.(m);
          for (const w of waiters.splice(0)) w();
        });
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    /** Resolves once the inbox holds `n` messages. */
    received: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (inbox.length >= n ? resolve() : waiters.push(check));
        check();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

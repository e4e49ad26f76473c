// A dispatch worker in a process of its own, for the kill test (test/dispatch-kill.test.ts):
// it runs the dispatch stage as compose wires it on the delivery ids in DISPATCH_IDS, and
// with KILL_AFTER_SMTP_ACCEPT=1 it SIGKILLs itself the moment the SMTP server has accepted
// a message: after the send, before the stage can record it. The hook lives here, in the
// test's child script, not in src/.
import { compose } from '../../src/compose.ts';
import { loadConfig } from '../../src/config/index.ts';
import { dispatchStage } from '../../src/dispatch/index.ts';
import { createLogger } from '../../src/shared/logger.ts';

const cfg = loadConfig();
const services = compose(cfg, { name: 'dispatch-child', logger: createLogger('silent', 'dispatch-child') });
const email = services.senders().EMAIL!;
const killing = {
  ...email,
  send: async (...args: Parameters<typeof email.send>) => {
    const result = await email.send(...args);
    if (process.env.KILL_AFTER_SMTP_ACCEPT === '1' && result.kind === 'sent') process.kill(process.pid, 'SIGKILL');
    return result;
  },
};
const stage = dispatchStage({
  db: services.db(),
  notices: services.noticeFiles(),
  calendar: services.calendar(),
  senders: { ...services.senders(), EMAIL: killing },
  channels: cfg.DELIVERY_CHANNELS,
  publicBaseUrl: cfg.PUBLIC_BASE_URL,
  sendTimeoutMs: cfg.DISPATCH_SEND_TIMEOUT_SECONDS * 1000,
  maxAttempts: cfg.DISPATCH_MAX_ATTEMPTS,
  concurrency: cfg.DISPATCH_CONCURRENCY,
  logger: services.logger,
});
const outcomes = await stage.handle((process.env.DISPATCH_IDS ?? '').split(',').filter(Boolean));
process.stdout.write(`${JSON.stringify(outcomes.map((o) => (o instanceof Error ? o.message : o.kind)))}\n`);
await services.close();

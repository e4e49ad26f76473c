// `npm run admin -- <command>`: builds the real dependencies and runs the admin program
// (src/admin/program.ts). Secrets are printed once, never logged.
import { userInfo } from 'node:os';
import { compose } from '../compose.ts';
import { pino } from 'pino';
import { createLogger } from '../shared/logger.ts';
import { ConfigError, loadConfig, type TConfig } from '../config/index.ts';
import type { TAdminDeps } from './deps.ts';
import { errorLines } from './error-lines.ts';
import { buildProgram, runProgram } from './program.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

const readStdin = async (): Promise<string> => {
  if (process.stdin.isTTY) err('reading the secret from standard input; end it with Ctrl-D');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const main = async (): Promise<number> => {
  let cfg: TConfig;
  try {
    cfg = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const line of errorLines(e)) err(`error: ${line}`);
    return 1;
  }
  // Logs (a Redis connection warning, say) go to stderr: the command's output owns stdout.
  const services = compose(cfg, { name: 'admin', poolMax: 2, logger: createLogger('warn', 'admin', pino.destination(2)) });
  const deps: TAdminDeps = {
    services,
    db: services.db(),
    secretKey: cfg.CAMERA_SECRET_KEY,
    actor: `admin-cli:${userInfo().username}`,
    out,
    err,
    readStdin,
  };
  try {
    return await runProgram(buildProgram(deps), process.argv.slice(2), deps);
  } finally {
    await services.close();
  }
};

process.exitCode = await main();

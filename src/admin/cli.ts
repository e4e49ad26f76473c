// `npm run admin -- <command>`: builds the real dependencies and runs the admin program
// (src/admin/program.ts). Secrets are printed once, never logged.
import { userInfo } from 'node:os';
import { ConfigError, loadConfig, type TConfig } from '../config/index.ts';
import { createDb } from '../db/client.ts';
import { createQueues, createRedis } from '../queues/index.ts';
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
  const db = createDb(cfg.DATABASE_URL, 2);
  const deps: TAdminDeps = {
    db,
    secretKey: cfg.CAMERA_SECRET_KEY,
    actor: `admin-cli:${userInfo().username}`,
    out,
    err,
    readStdin,
    withQueues: async (fn) => {
      const redis = createRedis(cfg.REDIS_URL, { failFast: true });
      const queues = createQueues(redis, cfg.QUEUE_PREFIX);
      try {
        return await fn(queues);
      } finally {
        await Promise.all(Object.values(queues).map((q) => q.close()));
        redis.disconnect();
      }
    },
  };
  try {
    return await runProgram(buildProgram(deps), process.argv.slice(2), deps);
  } finally {
    await db.$disconnect();
  }
};

process.exitCode = await main();

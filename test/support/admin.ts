import type { TAdminDeps } from '../../src/admin/deps.ts';
import { buildProgram, runProgram } from '../../src/admin/program.ts';
import type { TServices } from '../../src/compose.ts';
import type { TDb } from '../../src/db/index.ts';

export type TAdminRun = { code: number; stdout: string; stderr: string };

/**
 * Runs one admin command line in this process, as `npm run admin -- …` would, against the
 * test's database and services; `get` is read at each call (the test's beforeAll sets them).
 * `withStdin` feeds the command's standard input (passwords, secrets).
 */
export const adminRunner = (get: () => { db: TDb; services: TServices }, opts: { actor?: string; secretKey?: Buffer } = {}) => {
  const run = async (args: string[], stdin: string): Promise<TAdminRun> => {
    const res = { code: 0, stdout: '', stderr: '' };
    const { db, services } = get();
    const deps: TAdminDeps = {
      db,
      secretKey: opts.secretKey ?? Buffer.alloc(32),
      actor: opts.actor ?? 'admin-cli:test',
      out: (line) => (res.stdout += `${line}\n`),
      err: (line) => (res.stderr += `${line}\n`),
      readStdin: async () => stdin,
      services,
    };
    res.code = await runProgram(buildProgram(deps), args, deps);
    return res;
  };
  return Object.assign((...args: string[]) => run(args, ''), { withStdin: (stdin: string, ...args: string[]) => run(args, stdin) });
};

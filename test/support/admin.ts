import type { TAdminDeps } from '../../src/admin/deps.ts';
import { buildProgram, runProgram } from '../../src/admin/program.ts';
import type { TServices } from '../../src/compose.ts';
import type { TDb } from '../../src/db/index.ts';

export type TAdminRun = { code: number; stdout: string; stderr: string };

/**
 * Runs one admin command line in this process, as `npm run admin -- …` would, against the
 * test's database and services; `get` is read at each call (the test's beforeAll sets them).
 */
export const adminRunner =
  (get: () => { db: TDb; services: TServices }, actor = 'admin-cli:test') =>
  async (...args: string[]): Promise<TAdminRun> => {
    const res = { code: 0, stdout: '', stderr: '' };
    const { db, services } = get();
    const deps: TAdminDeps = {
      db,
      secretKey: Buffer.alloc(32),
      actor,
      out: (line) => (res.stdout += `${line}\n`),
      err: (line) => (res.stderr += `${line}\n`),
      readStdin: async () => '',
      services,
    };
    res.code = await runProgram(buildProgram(deps), args, deps);
    return res;
  };

import type { Command } from 'commander';
import type { TServices } from '../compose.ts';
import type { TDb } from '../db/index.ts';

/**
 * Everything an admin command touches outside itself. The entry (cli.ts) builds the real
 * ones; tests pass their own database and capture the output, so commands run in-process.
 */
export type TAdminDeps = {
  db: TDb;
  /** CAMERA_SECRET_KEY: camera secrets are stored encrypted with it. */
  secretKey: Buffer;
  /** Who the audit log names for changes made here. */
  actor: string;
  /** One line of the command's output (stdout). */
  out: (line: string) => void;
  /** One line of warnings and errors (stderr). */
  err: (line: string) => void;
  /** All of standard input, for secrets that must stay off the command line. */
  readStdin: () => Promise<string>;
  /** The service's parts (queues, state machines, settings), made on first use by the composition root. */
  services: TServices;
};

/** A command group (`site`, `camera`, …) adds its commands to the program. */
export type TCommandGroup = (program: Command, deps: TAdminDeps) => void;

import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AppError } from '../shared/app-error.ts';
import type { TAdminDeps } from './deps.ts';
import { readInputFile } from './input-file.ts';

export type TSecretOptions = { secret?: string; secretStdin?: boolean; secretFile?: string };

/**
 * `--secret` stays for scripts that already use it, but a value on the command line is
 * visible to every user in `ps` and stays in shell history; standard input or a file
 * (readable by the operator only) keeps it private.
 */
export const addSecretOptions = (cmd: Command, what: string): Command =>
  cmd
    .addOption(new Option('--secret <secret>', `${what} (at least 32 characters); on the command line it shows in ps and shell history: prefer --secret-stdin or --secret-file`).conflicts(['secretStdin', 'secretFile']))
    .addOption(new Option('--secret-stdin', `read ${what} from standard input`).conflicts('secretFile'))
    .addOption(new Option('--secret-file <path>', `read ${what} from a file`));

/** The secret the operator gave, or undefined when it is to be generated. */
export const readSecret = async (o: TSecretOptions, deps: Pick<TAdminDeps, 'readStdin'>): Promise<string | undefined> => {
  if (o.secret !== undefined) return o.secret;
  if (o.secretStdin) return oneLine(await deps.readStdin(), 'standard input');
  if (o.secretFile !== undefined) return oneLine(readInputFile(o.secretFile, (f) => readFileSync(f, 'utf8')), o.secretFile);
  return undefined;
};

// `echo … |` and editors end the text with a newline that is not part of the secret.
const oneLine = (text: string, source: string): string => {
  const secret = text.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(secret)) throw new AppError('INVALID_INPUT', `${source}: a secret is one line`);
  return secret;
};

import { Command, CommanderError } from 'commander';
import { agencyCommands } from './commands/agency.ts';
import { auditCommands } from './commands/audit.ts';
import { cameraCommands } from './commands/camera.ts';
import { casesCommands } from './commands/cases.ts';
import { deadlinesCommands } from './commands/deadlines.ts';
import { deliveriesCommands } from './commands/deliveries.ts';
import { finesCommands } from './commands/fines.ts';
import { holidaysCommands } from './commands/holidays.ts';
import { jobsCommands } from './commands/jobs.ts';
import { officerCommands } from './commands/officer.ts';
import { pipelineCommands } from './commands/pipeline.ts';
import { postCommands } from './commands/post.ts';
import { registryCommands } from './commands/registry.ts';
import { siteCommands } from './commands/site.ts';
import { unitsCommands } from './commands/units.ts';
import type { TAdminDeps, TCommandGroup } from './deps.ts';
import { errorLines } from './error-lines.ts';

/** The command groups, in the order `--help` lists them; a new group is one file and one entry here. */
const GROUPS: TCommandGroup[] = [siteCommands, unitsCommands, agencyCommands, cameraCommands, officerCommands, registryCommands, finesCommands, holidaysCommands, pipelineCommands, casesCommands, deadlinesCommands, deliveriesCommands, postCommands, jobsCommands, auditCommands];

/**
 * The admin CLI as a value: every command reads and writes through `deps` only, and
 * commander throws instead of exiting, so the same program runs from the entry and
 * in-process in tests. Build a fresh one per run (commander keeps parsed options).
 */
export const buildProgram = (deps: TAdminDeps): Command => {
  // Set before the groups add their commands: subcommands copy these settings.
  const program = new Command('admin')
    .description('Administration of the phạt nguội service')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.out(text.replace(/\n$/, '')),
      writeErr: (text) => deps.err(text.replace(/\n$/, '')),
    });
  for (const group of GROUPS) group(program, deps);
  return program;
};

/** Runs one command line (without `node cli.ts`); returns the exit code. */
export const runProgram = async (program: Command, args: string[], deps: Pick<TAdminDeps, 'err'>): Promise<number> => {
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has already printed its own errors (unknown option, missing argument) and help.
    if (err instanceof CommanderError) return err.exitCode;
    for (const line of errorLines(err)) deps.err(`error: ${line}`);
    return 1;
  }
};

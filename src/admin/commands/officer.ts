import { Option } from 'commander';
import { addOfficer, disableOfficer, listOfficers, resetOfficerPassword, ROLES, setOfficerRoles } from '../../accounts/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TRole } from '../../accounts/index.ts';
import type { TAdminDeps, TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const roleOption = () => new Option('--role <role>', 'a role; repeat for several').choices(ROLES).argParser(collect);

/** A password from standard input: one line (editors and echo end it with a newline that is not part of it). */
const stdinPassword = async (deps: Pick<TAdminDeps, 'readStdin'>) => {
  const text = (await deps.readStdin()).replace(/\r?\n$/, '');
  if (/[\r\n]/.test(text)) throw new AppError('INVALID_INPUT', 'standard input: a password is one line');
  return text;
};

export const officerCommands: TCommandGroup = (program, deps) => {
  const officer = program.command('officer').description('officers who review cases: add, disable, reset passwords, roles');

  officer
    .command('add')
    .description('add an officer; without --password-stdin a password is generated and printed once')
    .requiredOption('--username <username>', 'login name (lower case)')
    .requiredOption('--full-name <name>', 'full name')
    .requiredOption('--agency <code>', 'code of their agency (see "agency list")')
    .addOption(roleOption().makeOptionMandatory())
    .option('--password-stdin', 'read the password from standard input')
    .action(async (o: { username: string; fullName: string; agency: string; role: TRole[]; passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? await stdinPassword(deps) : undefined;
      const { officer: added, generatedPassword } = await addOfficer(deps, { username: o.username, fullName: o.fullName, agency: o.agency, roles: o.role, password });
      deps.out(`officer ${added.username} added (${added.roles.join(', ')})`);
      if (generatedPassword) deps.out(`password (shown once, give it to the officer now): ${generatedPassword}`);
    });

  officer
    .command('disable')
    .description('stop an officer from logging in; their open sessions end at once')
    .argument('<username>')
    .option('--reason <reason>', 'why, for the audit log')
    .action(async (username: string, o: { reason?: string }) => {
      await disableOfficer(deps, username, o.reason);
      deps.out(`officer ${username} disabled`);
    });

  officer
    .command('reset-password')
    .description('set a new password (generated and printed once without --password-stdin); lifts a lock-out, ends their sessions')
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: { passwordStdin?: boolean }) => {
      const generated = await resetOfficerPassword(deps, username, o.passwordStdin ? await stdinPassword(deps) : undefined);
      deps.out(`officer ${username}: password reset`);
      if (generated) deps.out(`new password (shown once): ${generated}`);
    });

  officer
    .command('set-roles')
    .description("replace an officer's roles (audited old → new)")
    .argument('<username>')
    .addOption(roleOption().makeOptionMandatory())
    .action(async (username: string, o: { role: TRole[] }) => {
      const updated = await setOfficerRoles(deps, username, o.role);
      deps.out(`officer ${username}: roles ${updated.roles.join(', ')}`);
    });

  officer
    .command('list')
    .description('list the officers, their agencies and roles (never their passwords)')
    .action(async () => {
      const rows = await listOfficers(deps.db);
      if (rows.length === 0) {
        deps.out('no officers');
        return;
      }
      const now = Date.now();
      const cells = rows.map((r) => [
        r.username,
        r.agency.code,
        r.roles.join(','),
        r.active ? (r.lockedUntil && r.lockedUntil.getTime() > now ? `locked until ${r.lockedUntil.toISOString()}` : 'active') : 'disabled',
        r.fullName,
      ]);
      for (const line of tsv(['username', 'agency', 'roles', 'status', 'full name'], cells)) deps.out(line);
    });
};

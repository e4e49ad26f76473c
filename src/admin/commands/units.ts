import { backfillSiteProvinceCodes } from '../../cameras/index.ts';
import { backfillOwnerProvinceCodes } from '../../registry/index.ts';
import { AppError } from '../../shared/app-error.ts';
import { listCommunePolice, matchAddressTail, matchProvince, provinceUnit, provinceUnits, setCommunePoliceConnected } from '../../units/index.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

export const unitsCommands: TCommandGroup = (program, deps) => {
  const units = program.command('units').description('province-level administrative units (34 since 1 Jul 2025) and routing settings');

  units
    .command('list')
    .description('list the units: code, name, former provinces, plate codes')
    .action(() => {
      const cells = provinceUnits().map((u) => [u.code, u.name, u.formerProvinces.join(', '), u.plateCodes.join(' ')]);
      for (const line of tsv(['code', 'name', 'former provinces', 'plate codes'], cells)) deps.out(line);
    });

  units
    .command('match')
    .description('show which unit a province field or the tail of an address names')
    .argument('<text>', 'e.g. "TP.HCM" or "12 Yersin, phường Thủ Dầu Một, Bình Dương"')
    .action((text: string) => {
      const code = matchProvince(text) ?? matchAddressTail(text);
      if (code === null) throw new AppError('NOT_FOUND', `"${text}" names no province or centrally-run city`);
      deps.out(`${code}\t${provinceUnit(code)!.name}`);
    });

  units
    .command('backfill')
    .description('give sites and owners stored without a unit code the unit their province or address names')
    .action(async () => {
      const sites = await backfillSiteProvinceCodes(deps.db);
      const owners = await backfillOwnerProvinceCodes(deps.db);
      deps.out(`sites: ${sites.matched} matched, ${sites.unmatched.length} unmatched${sites.unmatched.length ? ` (${sites.unmatched.join(', ')}: use "site set-province")` : ''}`);
      deps.out(`owners: ${owners.matched} matched, ${owners.unmatched} unmatched (their cases are flagged OWNER_ADDRESS_UNMATCHED)`);
    });

  const commune = units.command('commune-police').description('whether commune police are connected to the violation-handling system (Circular 13/2025/TT-BCA)');

  commune
    .command('list')
    .description('list every unit and whether its commune police are connected (not connected unless set)')
    .action(async () => {
      const rows = await listCommunePolice(deps.db);
      const cells = rows.map((r) => [r.code, r.name, r.connected ? 'connected' : 'not connected', r.updatedAt?.toISOString() ?? '-']);
      for (const line of tsv(['code', 'name', 'commune police', 'set at'], cells)) deps.out(line);
    });

  commune
    .command('set')
    .description('record whether the commune police of a unit are connected (audited)')
    .argument('<province>', 'name or unit code, e.g. "TP.HCM" or 01 (a number that is also a plate code is refused)')
    .argument('<state>', 'connected | not-connected')
    .requiredOption('--reason <reason>', 'why, for the audit log (e.g. the instruction that connected them)')
    .action(async (province: string, state: string, o: { reason: string }) => {
      if (state !== 'connected' && state !== 'not-connected') throw new AppError('INVALID_INPUT', 'state is "connected" or "not-connected"');
      const r = await setCommunePoliceConnected(deps, province, state === 'connected', o.reason);
      deps.out(`${r.code} ${r.name}: commune police ${state}${r.changed ? '' : ' (unchanged)'}`);
    });
};

import { Option } from 'commander';
import { addAgency, AGENCY_KINDS, listAgencies, setAgencyNoticeDetails, setAgencyProvince } from '../../accounts/index.ts';
import { DEFAULT_NOTICE_NUMBER_PATTERN } from '../../notices/index.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

export const agencyCommands: TCommandGroup = (program, deps) => {
  const agency = program.command('agency').description('police agencies (detecting units): cameras and officers belong to one');

  agency
    .command('add')
    .description('add an agency; under --parent, officers of the parent see its cases too')
    .requiredOption('--code <code>', 'short code, e.g. PC08-HCM')
    .requiredOption('--name <name>', 'full name as notices print it, e.g. "Phòng CSGT Công an TP. Hồ Chí Minh"')
    .requiredOption('--province <province>', 'province unit code or name (see "units list")')
    .addOption(new Option('--kind <kind>', 'what it is').choices(AGENCY_KINDS).default('PROVINCIAL_TRAFFIC_POLICE'))
    .option('--parent <code>', 'code of the agency above it')
    .action(async (o: { code: string; name: string; province: string; kind: (typeof AGENCY_KINDS)[number]; parent?: string }) => {
      const a = await addAgency(deps, o);
      deps.out(`agency ${a.code} added`);
    });

  agency
    .command('set-province')
    .description('set the province of an agency (those made from free text by the migration may lack one)')
    .argument('<code>', 'agency code')
    .argument('<province>', 'province unit code or name')
    .action(async (code: string, province: string) => {
      const a = await setAgencyProvince(deps, code, province);
      deps.out(`agency ${a.code}: province ${a.provinceCode}`);
    });

  agency
    .command('set-notice')
    .description('what its notices print about it (where owners come, the phone, the header) and how it numbers them; "" clears a field')
    .argument('<code>', 'agency code')
    .option('--address <address>', 'where owners come about a notice')
    .option('--phone <phone>', 'the phone printed on its notices')
    .option('--parent-name <name>', 'the header line above it, e.g. "CÔNG AN THÀNH PHỐ HỒ CHÍ MINH" (default: the police of its province)')
    .option('--number-pattern <pattern>', `its notice numbers: {seq:N} {year} {code} (default ${DEFAULT_NOTICE_NUMBER_PATTERN})`)
    .action(async (code: string, o: { address?: string; phone?: string; parentName?: string; numberPattern?: string }) => {
      const a = await setAgencyNoticeDetails(deps, code, { address: o.address, phone: o.phone, parentName: o.parentName, noticeNumberPattern: o.numberPattern });
      deps.out(`agency ${a.code}: address ${a.address ?? '-'}; phone ${a.phone ?? '-'}; header ${a.parentName ?? '(from its province)'}; numbers ${a.noticeNumberPattern ?? DEFAULT_NOTICE_NUMBER_PATTERN}`);
    });

  agency
    .command('list')
    .description('list the agencies, their parents, cameras and officers')
    .action(async () => {
      const rows = await listAgencies(deps.db);
      if (rows.length === 0) {
        deps.out('no agencies');
        return;
      }
      const cells = rows.map((r) => [r.code, r.kind, r.provinceCode ?? '-', r.parent?.code ?? '-', String(r._count.cameras), String(r._count.officers), r.name]);
      for (const line of tsv(['code', 'kind', 'province', 'parent', 'cameras', 'officers', 'name'], cells)) deps.out(line);
    });
};

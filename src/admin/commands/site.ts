import { InvalidArgumentError } from 'commander';
import { addSite, listSites, setSiteProvince } from '../../cameras/index.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

const num = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
};

export const siteCommands: TCommandGroup = (program, deps) => {
  const site = program.command('site').description('camera sites: the places cameras watch');

  site
    .command('add')
    .description('add a site')
    .requiredOption('--code <code>', 'site code, e.g. HCM-Q1-NGUYENHUE')
    .requiredOption('--name <name>', 'human name of the place')
    .requiredOption('--address <address>', 'road, ward/commune')
    .requiredOption('--province <province>', 'province or centrally-run city: its code (79), name, pre-merger name or abbreviation (TP.HCM)')
    .option('--lat <lat>', 'latitude', num)
    .option('--lng <lng>', 'longitude', num)
    .option('--expressway', 'the site is on an expressway (several acts are fined differently there)', false)
    .action(async (o: { code: string; name: string; address: string; province: string; lat?: number; lng?: number; expressway: boolean }) => {
      const s = await addSite(deps, { code: o.code, name: o.name, address: o.address, province: o.province, latitude: o.lat, longitude: o.lng, isExpressway: o.expressway });
      deps.out(`site ${s.code} added in ${s.provinceCode} ${s.province}`);
    });

  site
    .command('set-province')
    .description("set a site's province (for sites no name matched when unit codes came in; audited)")
    .argument('<code>', 'site code')
    .argument('<province>', 'unit code or name, e.g. 79 or "TP.HCM"')
    .action(async (code: string, province: string) => {
      const s = await setSiteProvince(deps, code, province);
      deps.out(`site ${s.code} is in ${s.provinceCode} ${s.province}`);
    });

  site
    .command('list')
    .description('list the sites and how many cameras each has')
    .action(async () => {
      const rows = await listSites(deps.db);
      if (rows.length === 0) {
        deps.out('no sites');
        return;
      }
      const cells = rows.map((r) => [r.code, r.name, r.provinceCode ?? '?', r.province, r.isExpressway ? 'expressway' : '-', String(r._count.cameras)]);
      for (const line of tsv(['code', 'name', 'unit', 'province', 'road', 'cameras'], cells)) deps.out(line);
    });
};

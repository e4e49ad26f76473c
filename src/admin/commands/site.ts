import { InvalidArgumentError } from 'commander';
import { addSite, listSites, setSiteProvince, SITE_KINDS, updateSite, type TSiteKinds } from '../../cameras/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';
import { tsv } from '../table.ts';

const num = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
};

/** The options naming a kind of place, and what each changes (Decree 168/2024/NĐ-CP). */
const KIND_OPTIONS = {
  isExpressway: ['expressway', 'on an expressway (several acts are fined differently there)'],
  isUrban: ['urban', 'in an urban area (đô thị): truck routes and hours, Art 21.6.d'],
  isResidential: ['residential', 'in a densely populated area (khu đông dân cư) or a hospital area: horn rules, Art 6.1.đ, 7.1.i, 7.9.k'],
  isBridge: ['bridge', 'on a bridge: stopping and parking, Art 6.4.b, 7.3.c'],
  isTunnel: ['tunnel', 'in a road tunnel: lights, stopping and parking, Art 6.3.n, 7.3.h, 7.4.b'],
} as const satisfies Record<(typeof SITE_KINDS)[number], readonly [string, string]>;

const kindsOf = (o: Partial<Record<string, boolean>>): TSiteKinds => Object.fromEntries(SITE_KINDS.map((k) => [k, o[KIND_OPTIONS[k][0]]]));

const kindsText = (r: TSiteKinds): string => SITE_KINDS.filter((k) => r[k]).map((k) => KIND_OPTIONS[k][0]).join(',') || '-';

export const siteCommands: TCommandGroup = (program, deps) => {
  const site = program.command('site').description('camera sites: the places cameras watch');

  const add = site
    .command('add')
    .description('add a site')
    .requiredOption('--code <code>', 'site code, e.g. HCM-Q1-NGUYENHUE')
    .requiredOption('--name <name>', 'human name of the place')
    .requiredOption('--address <address>', 'road, ward/commune')
    .requiredOption('--province <province>', 'province or centrally-run city: its name, pre-merger name or abbreviation (TP.HCM), or its unit code (01); a number that is also a plate code (51, 79) is refused: give the name')
    .option('--lat <lat>', 'latitude', num)
    .option('--lng <lng>', 'longitude', num);
  for (const k of SITE_KINDS) add.option(`--${KIND_OPTIONS[k][0]}`, `the site is ${KIND_OPTIONS[k][1]}`, false);
  add.action(async (o: { code: string; name: string; address: string; province: string; lat?: number; lng?: number } & Record<string, boolean>) => {
    const s = await addSite(deps, { code: o.code, name: o.name, address: o.address, province: o.province, latitude: o.lat, longitude: o.lng, ...kindsOf(o) });
    deps.out(`site ${s.code} added in ${s.provinceCode} ${s.province}`);
  });

  const update = site
    .command('update')
    .description('change the kinds of place a site is; cases assessed from now on use them (assessed cases keep their rule)')
    .requiredOption('--code <code>', 'site code');
  for (const k of SITE_KINDS) {
    const [name, what] = KIND_OPTIONS[k];
    update.option(`--${name}`, `the site is ${what}`).option(`--no-${name}`, `clears --${name}`);
  }
  update.action(async (o: { code: string } & Record<string, boolean | undefined>) => {
    const kinds = kindsOf(o);
    if (SITE_KINDS.every((k) => kinds[k] === undefined)) {
      throw new AppError('INVALID_INPUT', `nothing to change: give at least one of ${SITE_KINDS.map((k) => `--${KIND_OPTIONS[k][0]}`).join(', ')} or its --no- form`);
    }
    const s = await updateSite(deps, o.code, kinds);
    deps.out(`site ${s.code}: ${kindsText(s)}`);
  });

  site
    .command('set-province')
    .description("set a site's province (for sites no name matched when unit codes came in; audited)")
    .argument('<code>', 'site code')
    .argument('<province>', 'name or unit code, e.g. "TP.HCM" or 01 (a number that is also a plate code is refused)')
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
      const cells = rows.map((r) => [r.code, r.name, r.provinceCode ?? '?', r.province, kindsText(r), String(r._count.cameras)]);
      for (const line of tsv(['code', 'name', 'unit', 'province', 'place', 'cameras'], cells)) deps.out(line);
    });
};

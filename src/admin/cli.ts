// Operator commands: `npm run admin -- <command>`. Secrets are printed once, never logged.
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { ZodError } from 'zod';
import { config } from '../config/index.ts';
import { createDb } from '../db/client.ts';
import { readFileSync } from 'node:fs';
import { addCamera, addSite, CameraAdminError, listCameras, rotateCameraSecret, setCameraStatus } from '../cameras/index.ts';
import { applyRules, planRules, readRuleFile } from '../fines/index.ts';
import { listDeadLetters, redriveDeadLetter } from '../queues/index.ts';
import { AppError } from '../shared/app-error.ts';
import { importRegistryCsv } from '../registry/index.ts';

const cfg = config();
const db = createDb(cfg.DATABASE_URL, 2);
const deps = { db, secretKey: cfg.CAMERA_SECRET_KEY, actor: `admin-cli:${userInfo().username}` };
const out = (line: string) => process.stdout.write(`${line}\n`);

const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
};

const program = new Command('admin').description('Administration of the phạt nguội service');

const site = program.command('site').description('camera sites');
site
  .command('add')
  .requiredOption('--code <code>', 'site code, e.g. HCM-Q1-NGUYENHUE')
  .requiredOption('--name <name>', 'human name of the place')
  .requiredOption('--address <address>', 'road, ward/commune')
  .requiredOption('--province <province>', 'province or city')
  .option('--lat <lat>', 'latitude', num)
  .option('--lng <lng>', 'longitude', num)
  .option('--expressway', 'the site is on an expressway (several acts are fined differently there)', false)
  .action(async (o) => {
    const s = await addSite(deps, { code: o.code, name: o.name, address: o.address, province: o.province, latitude: o.lat, longitude: o.lng, isExpressway: o.expressway });
    out(`site ${s.code} added`);
  });

const camera = program.command('camera').description('roadside cameras');
camera
  .command('add')
  .requiredOption('--code <code>', 'camera code (the X-Camera-Id it sends)')
  .requiredOption('--site <site>', 'code of the site it watches')
  .requiredOption('--agency <agency>', 'detecting unit that operates it')
  .requiredOption('--cert-number <number>', 'calibration certificate number')
  .requiredOption('--cert-expires <date>', 'calibration certificate expiry (ISO date)')
  .option('--secret <secret>', 'HMAC secret (at least 32 characters); generated when omitted')
  .action(async (o) => {
    const { camera: c, generatedSecret } = await addCamera(deps, {
      code: o.code,
      siteCode: o.site,
      agency: o.agency,
      certNumber: o.certNumber,
      certExpiresAt: o.certExpires,
      secret: o.secret,
    });
    out(`camera ${c.code} added`);
    if (generatedSecret) out(`secret (shown once, store it in the camera now): ${generatedSecret}`);
  });
camera.command('list').action(async () => {
  const rows = await listCameras(db);
  if (rows.length === 0) out('no cameras');
  for (const r of rows) {
    out([r.code, r.status, r.site.code, r.site.isExpressway ? 'expressway' : '-', r.certNumber, `cert expires ${r.certExpiresAt.toISOString().slice(0, 10)}`, r.agency].join('\t'));
  }
});
camera
  .command('disable')
  .argument('<code>')
  .option('--reason <reason>')
  .action(async (code: string, o) => {
    await setCameraStatus(deps, code, 'DISABLED', o.reason);
    out(`camera ${code} disabled`);
  });
camera
  .command('enable')
  .argument('<code>')
  .action(async (code: string) => {
    await setCameraStatus(deps, code, 'ACTIVE');
    out(`camera ${code} enabled`);
  });
camera
  .command('rotate-secret')
  .argument('<code>')
  .option('--secret <secret>', 'the new secret; generated when omitted')
  .action(async (code: string, o) => {
    const generated = await rotateCameraSecret(deps, code, o.secret);
    out(`camera ${code}: secret rotated`);
    if (generated) out(`new secret (shown once): ${generated}`);
  });

const registry = program.command('registry').description('the vehicle registry kept in this database');
registry
  .command('import')
  .argument('<file>', 'CSV with columns plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to')
  .action(async (file: string) => {
    const report = await importRegistryCsv(db, readFileSync(file, 'utf8'), deps.actor);
    if (report.errors.length > 0) {
      for (const e of report.errors) process.stderr.write(`${file}: ${e}\n`);
      process.stderr.write(`nothing imported: fix the ${report.errors.length} problem(s) above and run again\n`);
      process.exitCode = 1;
      return;
    }
    const { owners: o, registrations: r } = report;
    out(`${report.rows} rows: owners ${o.created} new, ${o.updated} updated, ${o.unchanged} unchanged; registrations ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged`);
  });

const fines = program.command('fines').description('fine rule tables');
fines
  .command('load')
  .argument('<file>', 'a rule table, e.g. src/fines/tables/decree-168-2024.json')
  .option('--apply', 'write the changes (without it, only show them)', false)
  .action(async (file: string, o) => {
    const rules = readRuleFile(file);
    const plan = await planRules(db, rules);
    for (const r of plan.add) out(`+ ${r.code} v${r.version}: ${r.violation} [${r.vehicleClasses.join(',')}] ${r.fineMin}–${r.fineMax} VND, ${r.points} pts, from ${r.effectiveFrom}${r.effectiveTo ? ` to ${r.effectiveTo}` : ''}`);
    for (const c of plan.conflicts) out(`! ${c.rule.code} v${c.rule.version} differs from the loaded rule: ${c.differences.join('; ')}`);
    out(`${plan.add.length} to add, ${plan.unchanged.length} already loaded, ${plan.conflicts.length} conflicting`);
    if (plan.conflicts.length > 0) {
      process.stderr.write('error: loaded rules are never edited; give a changed rule a new version with its own effective dates\n');
      process.exitCode = 1;
      return;
    }
    if (!o.apply) {
      if (plan.add.length > 0) out('dry run: nothing written; run again with --apply');
      return;
    }
    await applyRules(db, rules, deps.actor);
    out(`loaded ${plan.add.length} rule(s)`);
  });

const jobs = program.command('jobs').description('pipeline jobs that failed for good (dead letters)');
jobs
  .command('failed')
  .option('--all', 'include dead letters already re-driven', false)
  .action(async (o) => {
    const rows = await listDeadLetters(db, { includeRedriven: o.all });
    if (rows.length === 0) out('no failed jobs');
    for (const r of rows) {
      out([r.id, r.queue, r.jobId, r.failedAt.toISOString(), `${r.attempts} attempt(s)`, r.redrivenAt ? `re-driven ${r.redrivenAt.toISOString()}` : 'waiting', r.reason].join('\t'));
    }
  });
jobs
  .command('retry')
  .argument('[id]', 'dead letter id (see "jobs failed")')
  .option('--all', 'every dead letter not yet re-driven', false)
  .action(async (id: string | undefined, o) => {
    const ids = o.all ? (await listDeadLetters(db)).map((r) => r.id) : id && /^\d+$/.test(id) ? [BigInt(id)] : [];
    if (ids.length === 0) {
      process.stderr.write(o.all ? 'no failed jobs to retry\n' : 'error: give a dead letter id or --all\n');
      if (!o.all) process.exitCode = 1;
      return;
    }
    for (const one of ids) out(`${one}: ${await redriveDeadLetter(db, one, deps.actor)}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CameraAdminError || err instanceof AppError) process.stderr.write(`error: ${err.message}\n`);
  else if (err instanceof ZodError) {
    for (const i of err.issues) process.stderr.write(`error: ${i.path.join('.')}: ${i.message}\n`);
  } else throw err;
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}

// Operator commands: `npm run admin -- <command>`. Secrets are printed once, never logged.
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { ZodError } from 'zod';
import { config } from '../config/index.ts';
import { createDb } from '../db/client.ts';
import { addCamera, addSite, CameraAdminError, listCameras, rotateCameraSecret, setCameraStatus } from '../cameras/index.ts';

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

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CameraAdminError) process.stderr.write(`error: ${err.message}\n`);
  else if (err instanceof ZodError) {
    for (const i of err.issues) process.stderr.write(`error: ${i.path.join('.')}: ${i.message}\n`);
  } else throw err;
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}

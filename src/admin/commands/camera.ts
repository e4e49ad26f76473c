import { InvalidArgumentError } from 'commander';
import { addCamera, listCameras, rotateCameraSecret, setCameraStatus } from '../../cameras/index.ts';
import { AppError } from '../../shared/app-error.ts';
import type { TCommandGroup } from '../deps.ts';
import { addSecretOptions, readSecret, type TSecretOptions } from '../secret-input.ts';
import { tsv } from '../table.ts';

const isoDate = (v: string): Date => {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected a date, YYYY-MM-DD');
  return d;
};
const day = (d: Date) => d.toISOString().slice(0, 10);

type TAddOptions = TSecretOptions & { code: string; site: string; agency: string; certNumber: string; certExpires: Date; force: boolean };

export const cameraCommands: TCommandGroup = (program, deps) => {
  const camera = program.command('camera').description('roadside cameras: register, list, disable, enable, rotate secrets');

  addSecretOptions(
    camera
      .command('add')
      .description('register a camera at a site; without a secret one is generated and printed once')
      .requiredOption('--code <code>', 'camera code (the X-Camera-Id it sends)')
      .requiredOption('--site <site>', 'code of the site it watches')
      .requiredOption('--agency <agency>', 'code of the agency (detecting unit) that operates it (see "agency list")')
      .requiredOption('--cert-number <number>', 'calibration certificate number')
      .requiredOption('--cert-expires <date>', 'calibration certificate expiry (YYYY-MM-DD)', isoDate)
      .option('--force', 'register it even though its certificate has already expired', false),
    'the HMAC secret',
  ).action(async (o: TAddOptions) => {
    // Events captured after the expiry are stored but never processed, so an expired
    // certificate is almost always a mistyped date: refuse unless the operator insists.
    const expired = o.certExpires.getTime() <= Date.now();
    if (expired && !o.force) {
      throw new AppError('INVALID_INPUT', `the calibration certificate expired on ${day(o.certExpires)}: every event of this camera would be rejected (CAMERA_CERT_EXPIRED); check the date, or add --force to register it anyway`);
    }
    const { camera: c, generatedSecret } = await addCamera(deps, {
      code: o.code,
      siteCode: o.site,
      agency: o.agency,
      certNumber: o.certNumber,
      certExpiresAt: o.certExpires,
      secret: await readSecret(o, deps),
    });
    deps.out(`camera ${c.code} added`);
    if (expired) deps.err(`warning: camera ${c.code}: its calibration certificate expired on ${day(o.certExpires)}; its events are rejected until the certificate is renewed`);
    if (generatedSecret) deps.out(`secret (shown once, store it in the camera now): ${generatedSecret}`);
  });

  camera
    .command('list')
    .description('list the cameras, their sites and calibration certificates (never their secrets)')
    .action(async () => {
      const rows = await listCameras(deps.db);
      if (rows.length === 0) {
        deps.out('no cameras');
        return;
      }
      const now = Date.now();
      const cells = rows.map((r) => [
        r.code,
        r.status,
        r.site.code,
        r.site.isExpressway ? 'expressway' : '-',
        r.certNumber,
        `${day(r.certExpiresAt)}${r.certExpiresAt.getTime() <= now ? ' (expired)' : ''}`,
        r.agency.code,
      ]);
      for (const line of tsv(['code', 'status', 'site', 'road', 'certificate', 'cert expires', 'agency'], cells)) deps.out(line);
    });

  camera
    .command('disable')
    .description('stop accepting events from a camera')
    .argument('<code>', 'camera code')
    .option('--reason <reason>', 'why, for the audit log')
    .action(async (code: string, o: { reason?: string }) => {
      await setCameraStatus(deps, code, 'DISABLED', o.reason);
      deps.out(`camera ${code} disabled`);
    });

  camera
    .command('enable')
    .description('accept events from a disabled camera again')
    .argument('<code>', 'camera code')
    .action(async (code: string) => {
      await setCameraStatus(deps, code, 'ACTIVE');
      deps.out(`camera ${code} enabled`);
    });

  addSecretOptions(
    camera
      .command('rotate-secret')
      .description("replace a camera's secret; without a secret one is generated and printed once")
      .argument('<code>', 'camera code'),
    'the new secret',
  ).action(async (code: string, o: TSecretOptions) => {
    const generated = await rotateCameraSecret(deps, code, await readSecret(o, deps));
    deps.out(`camera ${code}: secret rotated`);
    if (generated) deps.out(`new secret (shown once): ${generated}`);
  });
};

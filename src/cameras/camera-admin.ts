import { z } from 'zod';
import type { TDb } from '../db/index.ts';
import { appendAudit } from '../audit/index.ts';
import { AppError } from '../shared/app-error.ts';
import { matchAddressTail, matchProvince, provinceArgument } from '../units/index.ts';
import { agencyByCode } from '../accounts/agencies.ts';
import { parseInput } from '../shared/parse-input.ts';
import { generateSecret, sealSecret } from './secret-box.ts';

/** The kinds of place a site can be; each decides which provision fines some acts there. */
export const SITE_KINDS = ['isExpressway', 'isUrban', 'isResidential', 'isBridge', 'isTunnel'] as const;
export type TSiteKinds = Partial<Record<(typeof SITE_KINDS)[number], boolean>>;

export const ZSiteInput = z.object({
  code: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits and . _ - only'),
  name: z.string().min(1).max(200),
  address: z.string().min(1).max(500),
  /** A unit code ("79"), name, pre-merger name or alias ("TP.HCM"): resolved to a unit code. */
  province: z.string().min(1).max(100),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  isExpressway: z.boolean().default(false),
  isUrban: z.boolean().default(false),
  isResidential: z.boolean().default(false),
  isBridge: z.boolean().default(false),
  isTunnel: z.boolean().default(false),
});

/** The HMAC-SHA256 key a camera signs with; short keys are refused as guessable. */
const ZCameraSecret = z.string().min(32, 'a camera secret has at least 32 characters').max(256, 'a camera secret has at most 256 characters');

export const ZCameraInput = z.object({
  code: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits and . _ - only'),
  siteCode: z.string().min(1),
  /** Code of the agency (see "agency add") that operates the camera. */
  agency: z.string().min(1).max(64),
  certNumber: z.string().min(1).max(100),
  certExpiresAt: z.coerce.date(),
  secret: ZCameraSecret.optional(),
});

type TDeps = { db: TDb; secretKey: Buffer; actor: string };

export const addSite = async ({ db, actor }: TDeps, input: z.input<typeof ZSiteInput>) => {
  const data = parseInput(ZSiteInput, input);
  const unit = provinceArgument(data.province);
  return db.$transaction(async (tx) => {
    if (await tx.site.findUnique({ where: { code: data.code } })) throw new AppError('CONFLICT', `site ${data.code} already exists`);
    const site = await tx.site.create({ data: { ...data, province: unit.name, provinceCode: unit.code } });
    await appendAudit(tx, { actor, entityType: 'site', entityId: site.id, action: 'site.add', toState: 'ACTIVE', data: { code: site.code, provinceCode: unit.code } });
    return site;
  });
};

/** Sets the unit of an existing site (one that no name matched when codes came in, or a correction). */
export const setSiteProvince = async ({ db, actor }: Pick<TDeps, 'db' | 'actor'>, code: string, province: string) => {
  const unit = provinceArgument(province);
  return db.$transaction(async (tx) => {
    const site = await tx.site.findUnique({ where: { code } });
    if (!site) throw new AppError('NOT_FOUND', `site ${code} does not exist`);
    if (site.provinceCode === unit.code) return site;
    const updated = await tx.site.update({ where: { id: site.id }, data: { province: unit.name, provinceCode: unit.code } });
    await appendAudit(tx, {
      actor,
      entityType: 'site',
      entityId: site.id,
      action: 'site.set-province',
      data: { code, from: site.provinceCode, to: unit.code },
    });
    return updated;
  });
};

/**
 * Gives sites stored before unit codes existed the unit their free-text province (or the
 * tail of their address) names. Returns the codes of the sites nothing matched: set
 * those with "site set-province"; until then their cases are flagged for an officer.
 */
export const backfillSiteProvinceCodes = async (db: TDb): Promise<{ matched: number; unmatched: string[] }> => {
  const sites = await db.site.findMany({ where: { provinceCode: null }, select: { id: true, code: true, province: true, address: true } });
  const unmatched: string[] = [];
  let matched = 0;
  for (const s of sites) {
    const code = matchProvince(s.province) ?? matchAddressTail(s.address);
    if (code === null) {
      unmatched.push(s.code);
      continue;
    }
    await db.site.update({ where: { id: s.id, provinceCode: null }, data: { provinceCode: code } });
    matched++;
  }
  return { matched, unmatched };
};

/**
 * Changes the kinds of place a site is (absent keys stay as they are). The fine stage
 * reads them when it assesses a case, so the change applies to cases assessed from now
 * on; cases already assessed keep their rule.
 */
export const updateSite = async ({ db, actor }: Omit<TDeps, 'secretKey'>, code: string, kinds: TSiteKinds) =>
  db.$transaction(async (tx) => {
    const site = await tx.site.findUnique({ where: { code } });
    if (!site) throw new AppError('NOT_FOUND', `site ${code} does not exist`);
    const changed = Object.fromEntries(SITE_KINDS.filter((k) => kinds[k] !== undefined && kinds[k] !== site[k]).map((k) => [k, kinds[k]!]));
    if (Object.keys(changed).length === 0) return site;
    const updated = await tx.site.update({ where: { id: site.id }, data: changed });
    await appendAudit(tx, {
      actor,
      entityType: 'site',
      entityId: site.id,
      action: 'site.update',
      data: { code, from: Object.fromEntries(Object.keys(changed).map((k) => [k, site[k as keyof TSiteKinds]])), to: changed },
    });
    return updated;
  });

/** Registers a camera; returns the plain secret when it was generated here (shown once). */
export const addCamera = async ({ db, secretKey, actor }: TDeps, input: z.input<typeof ZCameraInput>) => {
  const data = parseInput(ZCameraInput, input);
  const secret = data.secret ?? generateSecret();
  return db.$transaction(async (tx) => {
    const site = await tx.site.findUnique({ where: { code: data.siteCode } });
    if (!site) throw new AppError('NOT_FOUND', `site ${data.siteCode} does not exist; add it with "site add"`);
    if (await tx.camera.findUnique({ where: { code: data.code } })) throw new AppError('CONFLICT', `camera ${data.code} already exists`);
    const agency = await agencyByCode(tx, data.agency);
    const camera = await tx.camera.create({
      data: {
        code: data.code,
        siteId: site.id,
        agencyId: agency.id,
        certNumber: data.certNumber,
        certExpiresAt: data.certExpiresAt,
        secretEncrypted: sealSecret(secretKey, secret),
      },
    });
    await appendAudit(tx, {
      actor,
      entityType: 'camera',
      entityId: camera.id,
      action: 'camera.add',
      toState: 'ACTIVE',
      data: { code: camera.code, site: site.code, agency: agency.code, certNumber: camera.certNumber, certExpiresAt: camera.certExpiresAt.toISOString() },
    });
    return { camera, generatedSecret: data.secret ? undefined : secret };
  });
};

export const listSites = (db: TDb) =>
  db.site.findMany({
    orderBy: { code: 'asc' },
    select: { code: true, name: true, province: true, provinceCode: true, isExpressway: true, isUrban: true, isResidential: true, isBridge: true, isTunnel: true, _count: { select: { cameras: true } } },
  });

export const listCameras = (db: TDb) =>
  db.camera.findMany({
    orderBy: { code: 'asc' },
    select: { code: true, status: true, agency: { select: { code: true } }, certNumber: true, certExpiresAt: true, site: { select: { code: true, isExpressway: true } } },
  });

const findCamera = async (tx: Pick<TDb, 'camera'>, code: string) => {
  const camera = await tx.camera.findUnique({ where: { code } });
  if (!camera) throw new AppError('NOT_FOUND', `camera ${code} does not exist`);
  return camera;
};

export const setCameraStatus = async ({ db, actor }: TDeps, code: string, status: 'ACTIVE' | 'DISABLED', reason?: string) =>
  db.$transaction(async (tx) => {
    const camera = await findCamera(tx, code);
    if (camera.status === status) return camera;
    const updated = await tx.camera.update({ where: { id: camera.id, status: camera.status }, data: { status } });
    await appendAudit(tx, {
      actor,
      entityType: 'camera',
      entityId: camera.id,
      action: status === 'DISABLED' ? 'camera.disable' : 'camera.enable',
      fromState: camera.status,
      toState: status,
      reason: reason ?? null,
    });
    return updated;
  });

/** Replaces a camera's secret; returns the new plain secret when generated here (shown once). */
export const rotateCameraSecret = async ({ db, secretKey, actor }: TDeps, code: string, secret?: string) => {
  const next = secret === undefined ? generateSecret() : parseInput(z.object({ secret: ZCameraSecret }), { secret }).secret;
  await db.$transaction(async (tx) => {
    const camera = await findCamera(tx, code);
    await tx.camera.update({ where: { id: camera.id }, data: { secretEncrypted: sealSecret(secretKey, next) } });
    await appendAudit(tx, { actor, entityType: 'camera', entityId: camera.id, action: 'camera.rotate-secret' });
  });
  return secret ? undefined : next;
};

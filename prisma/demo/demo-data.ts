// Demo sites, cameras and a small registry, loaded by the seed only with SEED_DEMO=1.
// No camera secret is written in this repository: the seed gives demo cameras random
// secrets that nobody sees, and `npm run demo` issues fresh ones it keeps in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addAgency, addOfficer, resetOfficerPassword, setAgencyNoticeDetails } from '../../src/accounts/index.ts';
import { addCamera, addSite, generateSecret, rotateCameraSecret } from '../../src/cameras/index.ts';
import type { TDb } from '../../src/db/client.ts';
import { importRegistryCsv } from '../../src/registry/index.ts';

type TDeps = { db: TDb; secretKey: Buffer; actor: string };

export const DEMO_SITES = [
  { code: 'HCM-Q1-NGUYENHUE-LELOI', name: 'Giao lộ Nguyễn Huệ – Lê Lợi', address: 'Phường Sài Gòn', province: 'TP. Hồ Chí Minh', latitude: 10.7745, longitude: 106.7038, isExpressway: false },
  { code: 'HN-CAUGIAY-XUANTHUY', name: 'Ngã tư Cầu Giấy – Xuân Thủy', address: 'Phường Cầu Giấy', province: 'TP. Hà Nội', latitude: 21.0368, longitude: 105.7904, isExpressway: false },
  { code: 'CT-HCM-LT-KM25', name: 'Cao tốc TP.HCM – Long Thành, Km 25', address: 'Xã Long Phước', province: 'Đồng Nai', latitude: 10.7952, longitude: 106.9124, isExpressway: true },
] as const;

/** The agencies operating the demo cameras; a parent comes before its children. (PC08: a province's traffic police division; C08: the national department.) */
export const DEMO_AGENCIES = [
  { code: 'C08', name: 'Cục Cảnh sát giao thông', province: '01', kind: 'TRAFFIC_POLICE_DEPARTMENT' },
  { code: 'C08-CT2', name: 'Cục CSGT – Đội Tuần tra cao tốc số 2', province: 'Đồng Nai', kind: 'EXPRESSWAY_PATROL', parent: 'C08' },
  { code: 'PC08-HCM', name: 'Phòng CSGT Công an TP. Hồ Chí Minh', province: 'TP. Hồ Chí Minh', kind: 'PROVINCIAL_TRAFFIC_POLICE' },
  { code: 'PC08-HN', name: 'Phòng CSGT Công an TP. Hà Nội', province: '01', kind: 'PROVINCIAL_TRAFFIC_POLICE' },
] as const;

export const DEMO_CAMERAS = [
  { code: 'CAM-HCM-001', siteCode: 'HCM-Q1-NGUYENHUE-LELOI', agency: 'PC08-HCM' },
  { code: 'CAM-HCM-002', siteCode: 'HCM-Q1-NGUYENHUE-LELOI', agency: 'PC08-HCM' },
  { code: 'CAM-HN-001', siteCode: 'HN-CAUGIAY-XUANTHUY', agency: 'PC08-HN' },
  { code: 'CAM-CT-001', siteCode: 'CT-HCM-LT-KM25', agency: 'C08-CT2' },
] as const;

/** Where owners come about the demo agencies' notices (demo values, not the real offices' details). */
const DEMO_NOTICE_DETAILS: Record<string, { address: string; phone: string }> = {
  'PC08-HCM': { address: '459 Trần Hưng Đạo, phường Cầu Ông Lãnh, TP. Hồ Chí Minh', phone: '028 3920 0000' },
  'PC08-HN': { address: '54 Trần Hưng Đạo, phường Cửa Nam, TP. Hà Nội', phone: '024 3942 0000' },
  'C08-CT2': { address: 'Km 25 Cao tốc TP.HCM – Long Thành, xã Long Phước, Đồng Nai', phone: '0251 3800 000' },
};

/** Adds whatever of the demo data is missing; returns how much it added. */
export const seedDemo = async (deps: TDeps) => {
  for (const agency of DEMO_AGENCIES) {
    const found = (await deps.db.agency.findUnique({ where: { code: agency.code } })) ?? (await addAgency(deps, agency));
    const details = DEMO_NOTICE_DETAILS[agency.code];
    if (details && !found.address) await setAgencyNoticeDetails(deps, agency.code, details);
  }
  let sites = 0;
  for (const site of DEMO_SITES) {
    if (await deps.db.site.findUnique({ where: { code: site.code } })) continue;
    await addSite(deps, site);
    sites++;
  }
  // Two years ahead of the day it is seeded, so the demo never meets an expired certificate.
  const certExpiresAt = new Date(`${new Date().getUTCFullYear() + 2}-12-31T00:00:00Z`);
  let cameras = 0;
  for (const cam of DEMO_CAMERAS) {
    if (await deps.db.camera.findUnique({ where: { code: cam.code } })) continue;
    // The secret addCamera generates is dropped on purpose: whoever needs one issues a new one.
    await addCamera(deps, { ...cam, certNumber: `KĐ-${cam.code}`, certExpiresAt });
    cameras++;
  }
  const registry = await importRegistryCsv(deps.db, readFileSync(join(import.meta.dirname, 'registry.csv'), 'utf8'), deps.actor);
  if (registry.errors.length) throw new Error(`demo registry: ${registry.errors.join('; ')}`);
  return { sites, cameras, registrations: registry.registrations.created };
};

/** Demo officers: a reviewer and a supervisor of the HCM division, a reviewer of Hà Nội (another agency's cases are hidden from them) and an admin. */
export const DEMO_OFFICERS = [
  { username: 'reviewer.hcm', fullName: 'Nguyễn Văn An', agency: 'PC08-HCM', roles: ['REVIEWER'] },
  { username: 'supervisor.hcm', fullName: 'Trần Thị Bình', agency: 'PC08-HCM', roles: ['REVIEWER', 'SUPERVISOR'] },
  { username: 'reviewer.hn', fullName: 'Lê Văn Cường', agency: 'PC08-HN', roles: ['REVIEWER'] },
  { username: 'admin', fullName: 'Phạm Thị Dung', agency: 'C08', roles: ['ADMIN'] },
] as const;

/** Gives every demo officer a fresh random password (adding those missing) and returns them; nothing is written down. */
export const issueDemoPasswords = async (deps: Omit<TDeps, 'secretKey'>): Promise<Map<string, string>> => {
  const passwords = new Map<string, string>();
  for (const o of DEMO_OFFICERS) {
    const exists = await deps.db.officer.findUnique({ where: { username: o.username } });
    const password = exists
      ? await resetOfficerPassword(deps, o.username)
      : (await addOfficer(deps, { ...o, roles: [...o.roles] })).generatedPassword;
    passwords.set(o.username, password!);
  }
  return passwords;
};

/** Gives every demo camera a fresh random secret (audited as a rotation) and returns them. */
export const issueDemoSecrets = async (deps: TDeps): Promise<Map<string, string>> => {
  const secrets = new Map<string, string>();
  for (const { code } of DEMO_CAMERAS) {
    const secret = generateSecret();
    await rotateCameraSecret(deps, code, secret);
    secrets.set(code, secret);
  }
  return secrets;
};

// Reference data (the checked-in fine tables) and demo data (sites, cameras, a small
// registry) for a fresh installation. Safe to run again: what exists is left alone.
// Demo camera secrets come from DEMO_CAMERA_SECRET.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addCamera, addSite } from '../src/cameras/index.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { config } from '../src/config/index.ts';
import { createDb } from '../src/db/client.ts';

export const DEMO_SECRET = process.env.DEMO_CAMERA_SECRET ?? 'demo-camera-secret-not-for-production-use';

export const DEMO_SITES = [
  { code: 'HCM-Q1-NGUYENHUE-LELOI', name: 'Giao lộ Nguyễn Huệ – Lê Lợi', address: 'Phường Sài Gòn', province: 'TP. Hồ Chí Minh', latitude: 10.7745, longitude: 106.7038, isExpressway: false },
  { code: 'HN-CAUGIAY-XUANTHUY', name: 'Ngã tư Cầu Giấy – Xuân Thủy', address: 'Phường Cầu Giấy', province: 'TP. Hà Nội', latitude: 21.0368, longitude: 105.7904, isExpressway: false },
  { code: 'CT-HCM-LT-KM25', name: 'Cao tốc TP.HCM – Long Thành, Km 25', address: 'Xã Long Phước', province: 'Đồng Nai', latitude: 10.7952, longitude: 106.9124, isExpressway: true },
] as const;

export const DEMO_CAMERAS = [
  { code: 'CAM-HCM-001', siteCode: 'HCM-Q1-NGUYENHUE-LELOI', agency: 'Phòng CSGT Công an TP. Hồ Chí Minh' },
  { code: 'CAM-HCM-002', siteCode: 'HCM-Q1-NGUYENHUE-LELOI', agency: 'Phòng CSGT Công an TP. Hồ Chí Minh' },
  { code: 'CAM-HN-001', siteCode: 'HN-CAUGIAY-XUANTHUY', agency: 'Phòng CSGT Công an TP. Hà Nội' },
  { code: 'CAM-CT-001', siteCode: 'CT-HCM-LT-KM25', agency: 'Cục CSGT – Đội Tuần tra cao tốc số 2' },
] as const;

const cfg = config();
const db = createDb(cfg.DATABASE_URL, 2);
const deps = { db, secretKey: cfg.CAMERA_SECRET_KEY, actor: 'seed' };
try {
  for (const site of DEMO_SITES) {
    if (!(await db.site.findUnique({ where: { code: site.code } }))) await addSite(deps, site);
  }
  for (const cam of DEMO_CAMERAS) {
    if (await db.camera.findUnique({ where: { code: cam.code } })) continue;
    await addCamera(deps, { ...cam, certNumber: `KĐ-${cam.code}-2026`, certExpiresAt: new Date('2027-12-31T00:00:00Z'), secret: DEMO_SECRET });
  }
  let rules = 0;
  for (const file of readdirSync(RULE_TABLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
    rules += (await applyRules(db, readRuleFile(join(RULE_TABLES_DIR, file)), 'seed')).add.length;
  }
  const registry = await importRegistryCsv(db, readFileSync(join(import.meta.dirname, 'demo', 'registry.csv'), 'utf8'), 'seed');
  if (registry.errors.length) throw new Error(`demo registry: ${registry.errors.join('; ')}`);
  process.stdout.write(
    `seed: ${DEMO_SITES.length} sites, ${DEMO_CAMERAS.length} cameras, ${rules} new fine rules, ` +
      `${registry.registrations.created} new registrations ready\n`,
  );
} finally {
  await db.$disconnect();
}

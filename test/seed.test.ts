import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CAMERAS, issueDemoSecrets } from '../prisma/demo/demo-data.ts';
import { seedDatabase } from '../prisma/seed-database.ts';
import { CameraDirectory } from '../src/cameras/index.ts';
import { createTestContext, type TTestContext } from './support/context.ts';

const KEY = randomBytes(32);
let ctx: TTestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

const demoSecrets = async () => {
  const directory = new CameraDirectory(ctx.db, KEY, 0);
  return Promise.all(DEMO_CAMERAS.map(async ({ code }) => (await directory.byCode(code))?.secret.toString('utf8')));
};

describe('seed', () => {
  it('loads only the fine tables and holiday years unless asked for the demo data', async () => {
    const deps = { db: ctx.db, secretKey: KEY, actor: 'seed' };
    const first = await seedDatabase(deps, { demo: false });
    expect(first.rules).toBeGreaterThan(40);
    expect(first.amendments).toBe(1);
    expect(first.holidayYears).toBeGreaterThanOrEqual(3);
    expect(first.demo).toBeUndefined();
    expect(await ctx.db.site.count()).toBe(0);
    expect(await ctx.db.camera.count()).toBe(0);
    expect(await ctx.db.registration.count()).toBe(0);
  });

  it('gives the demo cameras random secrets of their own, and leaves them alone when run again', async () => {
    const deps = { db: ctx.db, secretKey: KEY, actor: 'seed' };
    expect(await seedDatabase(deps, { demo: true })).toEqual({ rules: 0, amendments: 0, holidayYears: 0, demo: { sites: 3, cameras: 4, registrations: 5 } });
    const secrets = await demoSecrets();
    for (const s of secrets) expect(s).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(secrets).size).toBe(DEMO_CAMERAS.length);

    expect(await seedDatabase(deps, { demo: true })).toEqual({ rules: 0, amendments: 0, holidayYears: 0, demo: { sites: 0, cameras: 0, registrations: 0 } });
    expect(await demoSecrets()).toEqual(secrets);
  });

  it('lets the demo issue fresh secrets that it alone holds', async () => {
    const before = await demoSecrets();
    const issued = await issueDemoSecrets({ db: ctx.db, secretKey: KEY, actor: 'demo' });
    const after = await demoSecrets();
    expect(after).toEqual(DEMO_CAMERAS.map(({ code }) => issued.get(code)));
    for (const [i, s] of after.entries()) expect(s).not.toBe(before[i]);
  });
});

// `npm run db:seed`: the fine tables and, only with SEED_DEMO=1, the demo sites, cameras
// and registry of prisma/demo (see seed-database.ts).
import { config } from '../src/config/index.ts';
import { createDb } from '../src/db/client.ts';
import { seedDatabase } from './seed-database.ts';

const seedDemo = process.env.SEED_DEMO || '0';
if (seedDemo !== '0' && seedDemo !== '1') {
  process.stderr.write(`SEED_DEMO: expected 1 (load the demo data) or 0, not "${seedDemo}"\n`);
  process.exit(78);
}

const cfg = config();
const db = createDb(cfg.DATABASE_URL, 2);
try {
  const { rules, amendments, holidayYears, demo } = await seedDatabase({ db, secretKey: cfg.CAMERA_SECRET_KEY, actor: 'seed' }, { demo: seedDemo === '1' });
  process.stdout.write(
    `seed: ${rules} new fine rules, ${amendments} new pending amendments, ${holidayYears} new holiday years; ` +
      (demo
        ? `demo data: ${demo.sites} new sites, ${demo.cameras} new cameras, ${demo.registrations} new registrations\n`
        : 'no demo data (SEED_DEMO=1 adds demo sites, cameras and registry)\n'),
  );
} finally {
  await db.$disconnect();
}

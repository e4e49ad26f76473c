// `npm run demo`: after setup (migrate + seed with SEED_DEMO=1), gives the demo cameras
// fresh secrets, starts a local mail catcher, the API and the workers, posts sample camera
// events like real cameras would (including a resend and two cameras catching one act),
// prints the cases they became, has the demo officers approve the Hồ Chí Minh cases through
// the API (a reviewer, then a supervisor where four eyes are needed) so their notices are
// numbered, rendered and sent, prints where to read them, and keeps running until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { issueDemoPasswords, issueDemoSecrets } from '../prisma/demo/demo-data.ts';
import { config } from '../src/config/index.ts';
import { createDb } from '../src/db/client.ts';
import { noticePath } from '../src/notices/index.ts';
import { displayPlate } from '../src/plates/index.ts';
import { postEvent } from './camera-client.ts';
import { startMailCatcher, type TMailCatcher } from './mail-catcher.ts';
import { samplePng } from './sample-images.ts';

const cfg = config();
const baseUrl = `http://127.0.0.1:${cfg.PORT}`;
const db = createDb(cfg.DATABASE_URL, 1);
const children: ChildProcess[] = [];
const fail = (message: string): never => {
  process.stderr.write(`demo: ${message}\n`);
  for (const c of children) c.kill('SIGTERM');
  process.exit(1);
};

// Secrets live in this process only: never printed, never written to a file.
const secrets = await issueDemoSecrets({ db, secretKey: cfg.CAMERA_SECRET_KEY, actor: 'demo' }).catch((err: Error) =>
  fail(`${err.message}; "npm run demo" seeds the demo data before it starts`),
);

// The API and workers log a JSON line per request and job; they go to files so the
// demo's own output stays readable.
mkdirSync('var', { recursive: true });
const start = (script: string, log: string) => {
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', fd, fd], env: process.env });
  children.push(child);
  child.on('exit', (code) => {
    if (code) {
      process.stderr.write(`${script} exited with ${code}; see ${log}\n`);
      shutdown(1);
    }
  });
};
const shutdown = (code = 0) => {
  for (const c of children) c.kill('SIGTERM');
  void mail?.close();
  setTimeout(() => process.exit(code), 500).unref();
};
process.on('SIGINT', () => shutdown());
process.on('SIGTERM', () => shutdown());

// E-mails go to SMTP_URL; on this machine, unless something already listens there (Mailpit), to a catcher writing .eml files.
const smtp = new URL(cfg.SMTP_URL);
const mail: TMailCatcher | null = ['127.0.0.1', 'localhost'].includes(smtp.hostname)
  ? await startMailCatcher(Number(smtp.port || 25)).catch(() => null)
  : null;

const LOGS = { api: 'var/demo-api.log', workers: 'var/demo-workers.log' };
start('src/main.ts', LOGS.api);
start('workers/all.ts', LOGS.workers);
process.stdout.write(`API and worker logs: ${LOGS.api}, ${LOGS.workers}\n`);

for (let i = 0; ; i++) {
  const ok = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
  if (ok) break;
  if (i > 100) fail(`the API did not become ready; see ${LOGS.api}`);
  await new Promise((r) => setTimeout(r, 200));
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const image = (seed: number) => [{ kind: 'image', contentType: 'image/png', data: samplePng(100, 100, seed).toString('base64') }];
const run = Date.now().toString(36);
const samples = [
  { cam: 'CAM-HCM-001', e: { eventId: `${run}-1`, capturedAt: minutesAgo(30), violation: 'RED_LIGHT', vehicleClass: 'CAR', plate: { text: '51F-123.45', confidence: 0.97, color: 'WHITE' }, signalPhase: 'RED', lane: '2', evidence: image(1) } },
  { cam: 'CAM-HCM-002', e: { eventId: `${run}-2`, capturedAt: minutesAgo(29.9), violation: 'RED_LIGHT', vehicleClass: 'CAR', plate: { text: '51F 123 45', confidence: 0.91, color: 'WHITE' }, signalPhase: 'RED', lane: '2', evidence: image(2) } },
  { cam: 'CAM-HCM-001', e: { eventId: `${run}-3`, capturedAt: minutesAgo(20), violation: 'NO_HELMET', vehicleClass: 'MOTORCYCLE', plate: { text: '59-X1 234.56', confidence: 0.88, color: 'WHITE' }, evidence: image(3) } },
  { cam: 'CAM-HN-001', e: { eventId: `${run}-4`, capturedAt: minutesAgo(15), violation: 'WRONG_LANE', vehicleClass: 'MOTORCYCLE', plate: { text: '29-HA 002.33', confidence: 0.93, color: 'WHITE' }, lane: '1', evidence: image(4) } },
  { cam: 'CAM-HN-001', e: { eventId: `${run}-6`, capturedAt: minutesAgo(12), violation: 'RED_LIGHT', vehicleClass: 'CAR', plate: { text: '30K-999.99', confidence: 0.72, color: 'WHITE' }, signalPhase: 'RED', evidence: image(6) } },
  { cam: 'CAM-CT-001', e: { eventId: `${run}-5`, capturedAt: minutesAgo(10), violation: 'SPEEDING', vehicleClass: 'TRUCK', plate: { text: '60C-456.78', confidence: 0.95, color: 'YELLOW' }, speed: { measuredKmh: 112, limitKmh: 90 }, evidence: image(5) } },
];
for (const { cam, e } of [...samples, samples[0]!]) {
  const res = await postEvent({ baseUrl, cameraCode: cam, secret: secrets.get(cam)! }, e);
  process.stdout.write(`camera ${cam} → ${res.status} ${await res.text()}\n`);
}

const since = new Date(Date.now() - 60_000);
for (let i = 0; i < 100; i++) {
  const moving = await db.case.count({ where: { updatedAt: { gte: since }, status: { in: ['DETECTED', 'OWNER_RESOLVED', 'FINE_ASSESSED'] } } });
  if (moving === 0 && i > 5) break;
  await new Promise((r) => setTimeout(r, 200));
}
const cases = await db.case.findMany({ where: { updatedAt: { gte: since } }, orderBy: { firstCapturedAt: 'asc' }, include: { site: true, owner: true } });
const passwords = await issueDemoPasswords({ db, actor: 'demo' });
process.stdout.write('\nCases from these events:\n');
for (const c of cases) {
  process.stdout.write(
    `  ${displayPlate(c.plate).padEnd(13)} ${c.violation.padEnd(11)} ${c.status.padEnd(15)} ${c.eventCount} capture(s) at ${c.site.name}\n` +
      `      owner: ${c.owner ? `${c.owner.name} (${c.owner.province})` : '—'}; flags: ${c.flags.join(', ') || '—'}\n` +
      `      fine: ${c.fineAmount === null ? '—' : `${c.fineAmount.toLocaleString('vi-VN')} ₫ (${c.fineMin?.toLocaleString('vi-VN')}–${c.fineMax?.toLocaleString('vi-VN')}), ${c.points} điểm, ${c.legalBasis}`}\n` +
      `      handled by: ${c.handlingUnit}; notice due ${c.noticeDueAt?.toISOString().slice(0, 10)}\n`,
  );
}
// Review through the API as the officers would: the reviewer approves what the queue hands them,
// the supervisor approves what needs four eyes. A case sampled for a blind QA review waits for a second reviewer.
const signIn = async (username: string): Promise<string> => {
  const res = await fetch(`${baseUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: passwords.get(username) }) });
  if (!res.ok) fail(`signing in as ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
};
const approveAll = async (username: string): Promise<string[]> => {
  const token = await signIn(username);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const decided: string[] = [];
  for (let i = 0; i < 10; i++) {
    const next = await fetch(`${baseUrl}/v1/review/next`, { method: 'POST', headers, body: '{}' });
    if (next.status === 204) break;
    const c = (await next.json()) as { id: string; plate: string };
    const res = await fetch(`${baseUrl}/v1/cases/${c.id}/decision`, { method: 'POST', headers, body: JSON.stringify({ decision: 'APPROVE' }) });
    const outcome = (await res.json()) as { status?: string };
    decided.push(`${displayPlate(c.plate)} → ${outcome.status ?? res.status}`);
  }
  return decided;
};
process.stdout.write(`\nReview by the demo officers (through the API):\n`);
for (const username of ['reviewer.hcm', 'supervisor.hcm']) process.stdout.write(`  ${username}: ${(await approveAll(username)).join('; ') || 'nothing to decide'}\n`);

// The notices: numbered, rendered, stored and sent by the workers.
for (let i = 0; i < 150; i++) {
  const approved = await db.case.count({ where: { updatedAt: { gte: since }, status: 'APPROVED' } });
  const sending = await db.delivery.count({ where: { createdAt: { gte: since }, status: { in: ['PENDING', 'SENDING'] } } });
  if (approved + sending === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
const notices = await db.notice.findMany({ where: { createdAt: { gte: since } }, include: { deliveries: true, case: { select: { plate: true, status: true } } }, orderBy: { seq: 'asc' } });
await db.$disconnect();
process.stdout.write('\nNotices:\n');
for (const n of notices) {
  process.stdout.write(
    `  Số ${n.number} for ${displayPlate(n.case.plate)} (case ${n.case.status}); PDF ${cfg.NOTICE_DIR}/${n.pdfSha256?.slice(0, 2)}/${n.pdfSha256?.slice(2, 4)}/${n.pdfSha256}\n` +
      `      deliveries: ${n.deliveries.map((d) => `${d.channel} ${d.status}${d.lastError ? ` (${d.lastError})` : ''}`).join(', ')}\n` +
      `      notice page: ${cfg.PUBLIC_BASE_URL}${noticePath(n.number)} (the access code is printed on the PDF)\n`,
  );
}
process.stdout.write(
  mail
    ? `E-mails: ${mail.count()} in ${mail.dir}/ (.eml files: open them in a mail program; the PDF is attached). Post deliveries wait for the daily print batch: npm run admin -- post batch\n`
    : `E-mails went to ${cfg.SMTP_URL} (with docker compose: Mailpit, http://localhost:8025).\n`,
);

process.stdout.write(`\nOfficers (fresh passwords, shown once; sign in at ${baseUrl}/login, then ${baseUrl}/review):\n`);
for (const [username, password] of passwords) process.stdout.write(`  ${username.padEnd(16)} ${password}\n`);
process.stdout.write(`Supervisors: ${baseUrl}/supervisor; ADMINs: ${baseUrl}/admin/officers and the queue dashboard ${baseUrl}/admin/queues\n`);
process.stdout.write(`\nAPI on ${baseUrl} (docs: ${baseUrl}/docs). Ctrl-C stops everything.\n`);

// The registry this project is built against does not serve msgpackr-extract's macOS,
// Windows and 32-bit ARM prebuilds, so `npm install` cannot record them and `npm ci`
// then refuses the lockfile. They are optional, platform-gated and never installed
// here (msgpackr falls back to plain JS), so record them as platform-only entries.
// Run `npm run lockfile:fix` after any `npm install` that rewrites package-lock.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type TEntry = { version: string; cpu?: string[]; os?: string[]; license?: string; optional?: boolean };
const file = join(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, TEntry> };
const targets: Record<string, [string, string]> = { 'darwin-arm64': ['darwin', 'arm64'], 'darwin-x64': ['darwin', 'x64'], 'linux-arm': ['linux', 'arm'], 'win32-x64': ['win32', 'x64'] };
const parent = lock.packages['node_modules/msgpackr-extract'];
let added = 0;
for (const [suffix, [os, cpu]] of Object.entries(targets)) {
  const key = `node_modules/@msgpackr-extract/msgpackr-extract-${suffix}`;
  if (!parent || lock.packages[key]) continue;
  lock.packages[key] = { version: parent.version, cpu: [cpu], license: 'MIT', optional: true, os: [os] };
  added++;
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`lockfile: ${added} platform stub(s) added\n`);

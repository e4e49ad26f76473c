// `prisma generate` without network: the CLI only checks that a schema-engine binary
// exists (it never runs it for generate), so point it at any existing file. Runs as the
// package's `prepare` script, so `npm ci` leaves a generated client behind.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

try {
  createRequire(import.meta.url).resolve('prisma/package.json');
} catch {
  // Without this check npx would fetch whichever prisma the registry has today.
  process.stderr.write('prisma generate needs the prisma package, a devDependency: install with them (npm ci --include=dev)\n');
  process.exit(1);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const result = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);

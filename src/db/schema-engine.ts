import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import * as runtime from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

/**
 * Prisma 7's CLI needs a native schema engine that cannot be downloaded here, so we drive
 * the same engine compiled to wasm (the loader mirrors Prisma's WasmSchemaEngineLoader).
 * The engine writes Prisma's own `_prisma_migrations` table, so `prisma migrate deploy`
 * stays valid wherever the native engine exists. The wasm module may be initialised only
 * once per process.
 */
let initialised = false;

// Node's types (without lib.dom) do not declare WebAssembly; this is the part we use.
type TWasmApi = {
  Module: new (bytes: Buffer) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
};
const { WebAssembly } = globalThis as unknown as { WebAssembly: TWasmApi };

const initWasm = (): void => {
  if (initialised) return;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': runtime });
  runtime.__wbg_set_wasm(instance.exports as never);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  initialised = true;
};

/**
 * Discrete pool settings instead of a connection string: the adapter opens the shadow
 * database by overriding `database`, which a connection string would silently win over.
 */
const poolConfigOf = (connectionString: string) => {
  const url = new URL(connectionString);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
  };
};

type TScriptRunner = { executeScript(script: string): Promise<void>; client: { query(sql: string): Promise<unknown> }; onError(err: unknown): never };

/**
 * adapter-pg runs a migration script by splitting it on every `;`, which breaks any
 * semicolon inside a string, a comment or a function body (a trigger). The native engine
 * sends the script whole; so does this: PostgreSQL's simple query protocol runs a
 * multi-statement script in one implicit transaction.
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const runner = adapter as unknown as TScriptRunner;
    runner.executeScript = async (script) => {
      try {
        await runner.client.query(script);
      } catch (err) {
        runner.onError(err);
      }
    };
    return adapter;
  }
}

export const openSchemaEngine = async (connectionString: string, schemaPath: string): Promise<SchemaEngine> => {
  initWasm();
  const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg(poolConfigOf(connectionString)));
  const datamodel = readFileSync(schemaPath, 'utf8');
  return runtime.SchemaEngine.new({ datamodels: [[schemaPath, datamodel]] }, () => {}, adapter);
};

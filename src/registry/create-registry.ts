import type { TConfig } from '../config/index.ts';
import type { TDb } from '../db/index.ts';
import { DatabaseRegistry } from './database-registry.ts';
import { HttpRegistry } from './http-registry.ts';
import type { VehicleRegistry } from './vehicle-registry.ts';

/** The registry REGISTRY_MODE asks for. */
export const createRegistry = (cfg: Pick<TConfig, 'REGISTRY_MODE' | 'REGISTRY_URL' | 'REGISTRY_TIMEOUT_MS' | 'REGISTRY_RETRIES'>, db: TDb): VehicleRegistry =>
  cfg.REGISTRY_MODE === 'http'
    ? new HttpRegistry({ baseUrl: cfg.REGISTRY_URL!, timeoutMs: cfg.REGISTRY_TIMEOUT_MS, retries: cfg.REGISTRY_RETRIES })
    : new DatabaseRegistry(db);

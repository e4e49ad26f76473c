export { DatabaseRegistry } from './database-registry.ts';
export { HttpRegistry } from './http-registry.ts';
export type { THttpRegistryOptions } from './http-registry.ts';
export { CSV_COLUMNS, importRegistryCsv, readRegistryCsv } from './import-registrations.ts';
export type { TImportReport } from './import-registrations.ts';
export { RegistryUnavailableError, ZRegistryRecord } from './vehicle-registry.ts';
export type { TRegistryOwner, TRegistryQuery, TRegistryRecord, VehicleRegistry } from './vehicle-registry.ts';
export { createRegistry } from './create-registry.ts';
export { ownerKey, upsertOwners } from './upsert-owners.ts';

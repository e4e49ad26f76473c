import { z } from 'zod';
import { AppError } from '../shared/app-error.ts';
import { OwnerType, PlateColor, VehicleClass } from '../generated/prisma/enums.ts';

export const ZRegistryOwner = z.object({
  ownerType: z.enum(OwnerType),
  name: z.string().min(1),
  idNumber: z.string().min(1),
  address: z.string().min(1),
  province: z.string().min(1),
  email: z.email().nullable(),
  phone: z.string().nullable(),
});

/** A registration in force at the asked instant, with its owner. */
export const ZRegistryRecord = z.object({
  plate: z.string(),
  plateColor: z.enum(PlateColor),
  vehicleClass: z.enum(VehicleClass),
  make: z.string(),
  model: z.string(),
  color: z.string(),
  validFrom: z.coerce.date(),
  validTo: z.coerce.date().nullable(),
  owner: ZRegistryOwner,
});

export type TRegistryOwner = z.infer<typeof ZRegistryOwner>;
/** `ownerId` is set when the owner is already a row of this service's database. */
export type TRegistryRecord = z.infer<typeof ZRegistryRecord> & { ownerId?: string };

export type TRegistryQuery = { plate: string; plateColor: PlateColor; at: Date };

/**
 * Plate → vehicle and owner, as of an instant. `null` means "not registered at that
 * time"; a registry that cannot answer throws RegistryUnavailableError, and the caller
 * waits and asks again rather than guessing.
 */
export interface VehicleRegistry {
  lookup(query: TRegistryQuery): Promise<TRegistryRecord | null>;
  /** Many look-ups at once; a query the registry could not answer gets its own error. */
  lookupMany(queries: TRegistryQuery[]): Promise<(TRegistryRecord | null | Error)[]>;
  /** The circuit breaker in front of a remote registry; a local one has none. */
  circuit?(): 'closed' | 'half-open' | 'open';
  /** Stops the timers a remote registry keeps (its breaker's). */
  shutdown?(): void;
}

/** The registry cannot answer now (down, slow, circuit open): the look-up waits and is asked again. */
export class RegistryUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEPENDENCY_UNAVAILABLE', message, { cause: options?.cause });
    this.name = 'RegistryUnavailableError';
  }
}

import type { TDb } from '../db/client.ts';
import type { TRegistryQuery, TRegistryRecord, VehicleRegistry } from './vehicle-registry.ts';

/** The registry kept in this service's own database (imported with `admin registry import`). */
export class DatabaseRegistry implements VehicleRegistry {
  constructor(private readonly db: TDb) {}

  async lookup({ plate, plateColor, at }: TRegistryQuery): Promise<TRegistryRecord | null> {
    const reg = await this.db.registration.findFirst({
      where: { plate, plateColor, validFrom: { lte: at }, OR: [{ validTo: null }, { validTo: { gt: at } }] },
      orderBy: { validFrom: 'desc' },
      include: { owner: true },
    });
    if (!reg) return null;
    const { owner } = reg;
    return {
      plate: reg.plate,
      plateColor: reg.plateColor,
      vehicleClass: reg.vehicleClass,
      make: reg.make,
      model: reg.model,
      color: reg.color,
      validFrom: reg.validFrom,
      validTo: reg.validTo,
      ownerId: owner.id,
      owner: {
        ownerType: owner.ownerType,
        name: owner.name,
        idNumber: owner.idNumber,
        address: owner.address,
        province: owner.province,
        email: owner.email,
        phone: owner.phone,
      },
    };
  }
}

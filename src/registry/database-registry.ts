import type { TDb } from '../db/index.ts';
import type { OwnerType, PlateColor, VehicleClass } from '../generated/prisma/enums.ts';
import type { TRegistryQuery, TRegistryRecord, VehicleRegistry } from './vehicle-registry.ts';

type TRow = {
  i: bigint;
  plate: string | null;
  plate_color: PlateColor;
  vehicle_class: VehicleClass;
  make: string;
  model: string;
  color: string;
  valid_from: Date;
  valid_to: Date | null;
  owner_id: string;
  owner_type: OwnerType;
  name: string;
  id_number: string;
  address: string;
  province: string;
  email: string | null;
  phone: string | null;
};

/**
 * The registry kept in this service's own database (imported with `admin registry
 * import`). A batch of look-ups is one query: for each (plate, colour, instant), the
 * registration in force then.
 */
export class DatabaseRegistry implements VehicleRegistry {
  constructor(private readonly db: TDb) {}

  async lookup(query: TRegistryQuery): Promise<TRegistryRecord | null> {
    const [one] = await this.lookupMany([query]);
    if (one instanceof Error) throw one;
    return one ?? null;
  }

  async lookupMany(queries: TRegistryQuery[]): Promise<(TRegistryRecord | null)[]> {
    if (queries.length === 0) return [];
    const rows = await this.db.$queryRaw<TRow[]>`
      SELECT q.i, r.plate, r.plate_color, r.vehicle_class, r.make, r.model, r.color, r.valid_from, r.valid_to,
             o.id::text AS owner_id, o.owner_type, o.name, o.id_number, o.address, o.province, o.email, o.phone
      FROM unnest(${queries.map((q) => q.plate)}::text[], ${queries.map((q) => q.plateColor)}::"PlateColor"[],
                  ${queries.map((q) => q.at.toISOString())}::timestamptz[]) WITH ORDINALITY AS q(plate, plate_color, at, i)
      JOIN LATERAL (
        SELECT * FROM registration r
        WHERE r.plate = q.plate AND r.plate_color = q.plate_color AND r.valid_from <= q.at AND (r.valid_to IS NULL OR r.valid_to > q.at)
        ORDER BY r.valid_from DESC LIMIT 1
      ) r ON true
      JOIN owner o ON o.id = r.owner_id`;
    const found = new Map(rows.map((r) => [Number(r.i) - 1, r]));
    return queries.map((_, idx) => {
      const r = found.get(idx);
      if (!r) return null;
      return {
        plate: r.plate!,
        plateColor: r.plate_color,
        vehicleClass: r.vehicle_class,
        make: r.make,
        model: r.model,
        color: r.color,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        ownerId: r.owner_id,
        owner: { ownerType: r.owner_type, name: r.name, idNumber: r.id_number, address: r.address, province: r.province, email: r.email, phone: r.phone },
      };
    });
  }
}

import type { EscalationTarget, VehicleClass } from '../generated/prisma/enums.ts';

/** Why each hold is asked for, as the escalation record and its audit entry carry it. */
export const ESCALATION_BASIS: Record<EscalationTarget, string> = {
  INSPECTION_REGISTRY: 'khoản 5 Điều 24 Thông tư 73/2024/TT-BCA; điểm a khoản 11 Điều 47 Nghị định 168/2024/NĐ-CP',
  VEHICLE_REGISTRATION: 'khoản 5 Điều 24 Thông tư 73/2024/TT-BCA; điểm a khoản 11 Điều 47 Nghị định 168/2024/NĐ-CP',
  DRIVING_LICENCE: 'điểm a khoản 11 Điều 47 Nghị định 168/2024/NĐ-CP',
  COMMUNE_POLICE: 'khoản 5 Điều 24 Thông tư 73/2024/TT-BCA (mẫu số 04)',
};

/** Why a hold is lifted: the case was resolved or can no longer be pursued. */
export const LIFT_BASIS = 'khoản 3, khoản 4 Điều 24 Thông tư 73/2024/TT-BCA; điểm c khoản 11 Điều 47 Nghị định 168/2024/NĐ-CP';

const TWO_WHEELERS: readonly VehicleClass[] = ['MOTORCYCLE', 'MOPED'];

/**
 * The escalations of a case whose owner did not respond within 20 days of the notice
 * (Circular 73/2024 Art 24.5; Decree 168/2024 Art 47.11):
 * - the vehicle registration agency and the driving-licence agency, for every vehicle;
 * - the inspection registry (đăng kiểm) for vehicles under periodic inspection: cars,
 *   trucks and buses. Art 24.5 asks for it "for vehicles that need periodic inspection";
 *   motorbikes and mopeds have none today (to change here if their emission inspection starts);
 * - for motorbikes and mopeds, form 04 to the commune police of the owner's residence,
 *   who deliver the notice and press the owner to come in.
 */
export const escalationTargets = (vehicleClass: VehicleClass): EscalationTarget[] =>
  TWO_WHEELERS.includes(vehicleClass)
    ? ['VEHICLE_REGISTRATION', 'DRIVING_LICENCE', 'COMMUNE_POLICE']
    : ['INSPECTION_REGISTRY', 'VEHICLE_REGISTRATION', 'DRIVING_LICENCE'];

export { allowedClassesOf, displayPlate, parsePlate } from './plate.ts';
export type { TPlate, TPlateFormat, TPlateResult, TVehicleClass } from './plate.ts';

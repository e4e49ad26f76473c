/** Flags ride beside a case's state and tell the officer why a person must look. */
export const FLAGS = {
  /** No capture read the plate with enough confidence. */
  LOW_CONFIDENCE_READ: 'LOW_CONFIDENCE_READ',
  /** No registration of this plate and colour was in force at capture time. */
  UNREGISTERED_PLATE: 'UNREGISTERED_PLATE',
  /** The registered (or plate-format) class is not what the camera saw: a cloned plate? */
  CLASS_MISMATCH: 'CLASS_MISMATCH',
  /**
   * The plate was accepted though its reading is doubtful (src/plates `uncertain`: a layout
   * reported but not read in Circular 79/2024/TT-BCA, or sources that disagree): an officer
   * checks the plate on the evidence before the case goes on. The reason is in the case's
   * first audit entry.
   */
  PLATE_FORMAT_UNCERTAIN: 'PLATE_FORMAT_UNCERTAIN',
  /** No fine rule fits the act on its capture date. */
  NO_RULE: 'NO_RULE',
  /**
   * Captured on or after the date of an amending decree whose rows are not loaded (and
   * that no operator has reviewed): the rule applied may be the unamended one.
   */
  RULES_MAY_BE_OUTDATED: 'RULES_MAY_BE_OUTDATED',
  /** The owner's province and address name no province-level unit: an officer determines the handling unit. */
  OWNER_ADDRESS_UNMATCHED: 'OWNER_ADDRESS_UNMATCHED',
  /** The site has no province-level unit yet ("site set-province"): an officer determines the handling unit. */
  SITE_PROVINCE_UNMATCHED: 'SITE_PROVINCE_UNMATCHED',
  /** A deadline was counted over a year whose holiday schedule is not loaded or only provisional (src/clock). */
  HOLIDAYS_UNCONFIRMED: 'HOLIDAYS_UNCONFIRMED',
  /**
   * The owner is an organisation: no licence points on the case (Decree 168 Art 50) and no
   * clause of Decree 168 found that sets its amount for Art 6/7 acts: a supervisor decides.
   */
  ORGANISATION_OWNER: 'ORGANISATION_OWNER',
  /** The act's code is one a camera may send for another act: an officer confirms it (see ACTS_TO_CONFIRM). */
  ACT_TO_CONFIRM: 'ACT_TO_CONFIRM',
} as const;

/**
 * Codes an officer must confirm against the footage before a notice: FORBIDDEN_TURN
 * covered U-turns too before FORBIDDEN_U_TURN and U_TURN_BANNED_PLACE existed, and cameras
 * not yet updated may still send a U-turn under it (7.3.a and 6.4.k fine turns, 7.2.k and
 * 6.4.i U-turns); FOUR_WHEELER_ON_EXPRESSWAY is Decree 168 Art 6.7.b, about small
 * four-wheel motorised vehicles, while an ordinary car on an expressway is lawful.
 */
export const ACTS_TO_CONFIRM: ReadonlySet<string> = new Set(['FORBIDDEN_TURN', 'FOUR_WHEELER_ON_EXPRESSWAY']);

export type TFlag = (typeof FLAGS)[keyof typeof FLAGS];

const TWO_WHEEL = new Set(['MOTORCYCLE', 'MOPED']);

/** Cars, trucks and buses are one family (Decree 168 Art 6), motorcycles and mopeds another (Art 7). */
export const sameVehicleFamily = (a: string, b: string): boolean => TWO_WHEEL.has(a) === TWO_WHEEL.has(b);

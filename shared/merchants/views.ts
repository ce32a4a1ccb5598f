import type { Permission } from "../auth/permissions.ts";
import { describeExpiry, NO_EXPIRY } from "../expiry/policy.ts";
import type { Location, Program, Role, Staff } from "../model.ts";
import { describeRule } from "../programs/rules.ts";

/** What clients see of a merchant's settings: explicit fields only, never storage keys. */

export function programView(program: Program) {
  return {
    id: program.id,
    name: program.name,
    version: program.version,
    rule: program.rule,
    expiry: program.expiry ?? NO_EXPIRY,
    tiers: program.tiers ?? null,
    referrals: program.referrals ?? null,
    description: `${describeRule(program.rule)}; ${describeExpiry(program.expiry ?? NO_EXPIRY)}`,
  };
}

/** A program, or one of its saved versions, as the settings screens show it: with who saved it and when. */
export function programSettingsView(program: Program) {
  return { ...programView(program), updatedAt: program.updatedAt, updatedBy: program.updatedBy ?? null };
}

export function locationView(location: Location) {
  return {
    id: location.id,
    name: location.name,
    programId: location.programId,
    // Only when set, so locations without hours read as they always did.
    ...(location.openingHours ? { openingHours: location.openingHours } : {}),
    createdAt: location.createdAt,
    updatedAt: location.updatedAt ?? location.createdAt,
  };
}

export function staffView(staff: Staff) {
  return {
    id: staff.id,
    name: staff.name,
    role: staff.role,
    locationIds: staff.locationIds,
    email: staff.email ?? null,
    /** Whether the member has a sign-in (an invitation sent); the address alone gives none. */
    hasSignIn: staff.signInUser !== undefined,
    active: staff.active,
    createdAt: staff.createdAt,
    updatedAt: staff.updatedAt ?? staff.createdAt,
  };
}

export function roleView(role: Role, permissions: readonly Permission[], custom: boolean) {
  return { role, permissions: [...permissions], custom, editable: role !== "owner" };
}

import { forbidden, unauthorized } from "../errors.ts";
import type { Merchant, Role } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { activateMerchant, readMerchant } from "../store/merchants/merchant.ts";
import { readStaff } from "../store/merchants/staff.ts";
import { type Permission, permissionsFor } from "./permissions.ts";

/** The staff member behind a request, as the table says now (not as the token said when it was issued). */
export interface Principal {
  merchantId: string;
  staffId: string;
  role: Role;
  locationIds: string[] | "*";
  permissions: ReadonlySet<Permission>;
  /**
   * The merchant as read (consistently) with the staff record, so a handler needing its settings does not
   * read it again; absent on a principal made by hand (tests, benchmarks).
   */
  merchant?: Merchant;
}

/** Claims as the JWT authorizer hands them to the handler: every value a string. */
export type Claims = Record<string, string | number | boolean | string[] | undefined>;

export const CLAIM_MERCHANT = "merchant_id";
export const CLAIM_STAFF = "staff_id";

/**
 * The token proves who is calling; the staff record decides what they may do. Reading it on every
 * request is what makes a deactivation or a role change take effect at once.
 */
export async function resolvePrincipal(db: Db, claims: Claims | undefined): Promise<Principal> {
  const merchantId = claims?.[CLAIM_MERCHANT];
  const staffId = claims?.[CLAIM_STAFF];
  if (typeof merchantId !== "string" || typeof staffId !== "string" || !merchantId || !staffId) {
    throw unauthorized();
  }
  // Both consistent: a deactivation or a role change must hold from the very next request.
  const [staff, merchant] = await Promise.all([
    readStaff(db, merchantId, staffId, true),
    readMerchant(db, merchantId, true),
  ]);
  if (!staff?.active || !merchant) throw unauthorized();
  // A merchant made by a public sign-up waits for its owner: their first signed-in request (which needs
  // the password they chose from the invitation) is what confirms the address, and opens the merchant.
  if (merchant.status === "pending") {
    if (staff.role !== "owner") throw unauthorized();
    await activateMerchant(db, merchantId, new Date().toISOString());
  }
  return {
    merchantId,
    staffId,
    role: staff.role,
    locationIds: staff.locationIds,
    permissions: new Set(permissionsFor(staff.role, merchant.rolePermissions)),
    merchant,
  };
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) {
    throw forbidden(`Your role does not allow this (${permission}).`);
  }
}

/** For a route that either of two kinds of staff may use: one of the permissions is enough. */
export function requireAnyPermission(principal: Principal, permissions: readonly Permission[]): void {
  if (!permissions.some((permission) => principal.permissions.has(permission))) {
    throw forbidden(`Your role does not allow this (${permissions.join(" or ")}).`);
  }
}

export function canUseLocation(principal: Principal, locationId: string): boolean {
  return principal.locationIds === "*" || principal.locationIds.includes(locationId);
}

export function requireLocation(principal: Principal, locationId: string): void {
  if (!canUseLocation(principal, locationId)) throw forbidden("You may not act at this location.");
}

import { PERMISSIONS, type Permission, permissionsFor, ROLES } from "../auth/permissions.ts";
import type { Principal } from "../auth/principal.ts";
import { forbidden, ValidationError } from "../errors.ts";
import type { Role } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { saveRolePermissions } from "../store/merchants/merchant.ts";
import { getMerchant } from "./directory.ts";
import { roleView } from "./views.ts";

/** What each role may do at one merchant; owners are fixed, managers and staff may be changed. */

export type RolePermissions = (role: Role) => readonly Permission[];

/** Read consistently: a role change must hold from the very next request on. */
export async function rolePermissionsAt(db: Db, merchantId: string): Promise<RolePermissions> {
  const merchant = await getMerchant(db, merchantId, true);
  if (!merchant) throw new Error("the caller's merchant has no record");
  return (role) => permissionsFor(role, merchant.rolePermissions);
}

/**
 * Refuses handing out what the caller does not hold. Whoever holds staff:manage must not be able to lift
 * their own role, or someone else's, above their own permissions; owners hold everything.
 */
export function requireHeld(principal: Principal, permissions: readonly Permission[]): void {
  const missing = permissions.filter((permission) => !principal.permissions.has(permission));
  if (missing.length > 0) {
    throw forbidden(`You cannot grant or manage permissions you do not hold (${missing.join(", ")}).`);
  }
}

export async function listRoles(deps: { db: Db }, principal: Principal) {
  const merchant = await getMerchant(deps.db, principal.merchantId, true);
  return ROLES.map((role) =>
    roleView(
      role,
      permissionsFor(role, merchant?.rolePermissions),
      role !== "owner" && merchant?.rolePermissions?.[role] !== undefined,
    ),
  );
}

/** Sets a role's permissions at this merchant; staff holding the role get them on their next request. */
export async function setRolePermissions(
  deps: { db: Db },
  principal: Principal,
  role: Role,
  permissions: readonly Permission[],
) {
  if (role === "owner") {
    throw ValidationError.field(
      "path.role",
      "the owner role always holds every permission and cannot be changed",
    );
  }
  requireHeld(principal, permissions);
  const stored = PERMISSIONS.filter((permission) => permissions.includes(permission));
  await saveRolePermissions(deps.db, principal.merchantId, role, stored);
  return roleView(role, stored, true);
}

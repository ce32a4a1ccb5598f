import type { Role } from "../model.ts";

export const PERMISSIONS = [
  "customers:read",
  "customers:write",
  "transactions:create",
  "redemptions:create",
  "points:adjust",
  "redemptions:refund",
  "activity:read",
  "staff:manage",
  "locations:manage",
  "programs:manage",
  "claims:review",
  "keys:manage",
  "webhooks:manage",
  "customers:erase",
  "data:import",
  "data:export",
  "alerts:review",
  "referrals:cancel",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["owner", "manager", "staff"] as const satisfies readonly Role[];

/** Staff are scanner users by default: look a customer up, issue points, redeem. */
const SCANNER: Permission[] = ["customers:read", "transactions:create", "redemptions:create"];

export const DEFAULT_ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  manager: [
    ...SCANNER,
    "customers:write",
    "points:adjust",
    "redemptions:refund",
    "activity:read",
    "claims:review",
    "alerts:review",
    "referrals:cancel",
  ],
  staff: SCANNER,
};

/**
 * A role's permissions at one merchant. Owners always hold every permission, so a merchant can never
 * lock itself out of its own settings.
 */
export function permissionsFor(
  role: Role,
  overrides?: Partial<Record<Role, Permission[]>>,
): readonly Permission[] {
  if (role === "owner") return PERMISSIONS;
  return overrides?.[role] ?? DEFAULT_ROLE_PERMISSIONS[role];
}

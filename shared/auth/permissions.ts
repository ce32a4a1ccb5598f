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
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Staff are scanner users by default: look a customer up, issue points, redeem. */
const SCANNER: Permission[] = ["customers:read", "transactions:create", "redemptions:create"];

export const DEFAULT_ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  manager: [...SCANNER, "customers:write", "points:adjust", "redemptions:refund", "activity:read"],
  staff: SCANNER,
};

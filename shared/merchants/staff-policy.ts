import type { Principal } from "../auth/principal.ts";
import { conflict, forbidden } from "../errors.ts";
import type { Role } from "../model.ts";
import { type RolePermissions, requireHeld } from "./roles.ts";

/** Who may turn a staff record into what. Pure, so each rule is tested on its own. */

export interface StaffState {
  role: Role;
  active: boolean;
}

export const isActiveOwner = (staff: StaffState) => staff.role === "owner" && staff.active;

/**
 * Throws unless the caller may turn `before` (undefined for a new member) into `after`. Together these
 * rules mean an active owner is only ever removed by another active owner, which is what lets the write
 * itself guard "never without an active owner" (see updateStaffMember).
 */
export function requireStaffChange(
  actor: Principal,
  permissionsOf: RolePermissions,
  before: (StaffState & { id: string }) | undefined,
  after: StaffState,
): void {
  if (before?.id === actor.staffId) {
    if (before.active && !after.active) {
      throw conflict("You cannot deactivate yourself; someone else who manages staff must do it.");
    }
    if (before.role === "owner" && after.role !== "owner") {
      throw conflict("You cannot remove your own owner role; another owner must do it.");
    }
  }
  if (actor.role !== "owner" && (after.role === "owner" || before?.role === "owner")) {
    throw forbidden("Only an owner may create an owner, make someone an owner, or change an owner.");
  }
  requireHeld(actor, permissionsOf(after.role));
  if (before) requireHeld(actor, permissionsOf(before.role));
}

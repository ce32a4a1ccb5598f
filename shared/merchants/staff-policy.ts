import type { Principal } from "../auth/principal.ts";
import { conflict, forbidden } from "../errors.ts";
import type { Staff } from "../model.ts";
import { type RolePermissions, requireHeld } from "./roles.ts";

/** Who may turn a staff record into what. Pure, so each rule is tested on its own. */

export type StaffState = Pick<Staff, "role" | "active" | "locationIds">;

export const isActiveOwner = (staff: Pick<Staff, "role" | "active">) =>
  staff.role === "owner" && staff.active;

/** A member limited to some locations can neither give nor manage access to other ones. */
function requireLocationsHeld(actor: Principal, locationIds: Staff["locationIds"]): void {
  if (actor.locationIds === "*") return;
  const held = actor.locationIds;
  if (locationIds === "*" || locationIds.some((id) => !held.includes(id))) {
    throw forbidden("You cannot grant or manage access to locations you may not use yourself.");
  }
}

/**
 * Throws unless the caller may turn `before` (undefined for a new member) into `after`: nobody locks
 * themselves out, only owners make or change owners, and nobody else gives or manages more than they hold.
 * Together these mean an active owner is only ever removed by another active owner, which is what lets
 * the write itself guard "never without an active owner" (see updateStaffMember).
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
  if (actor.role === "owner") return;
  if (after.role === "owner" || before?.role === "owner") {
    throw forbidden("Only an owner may create an owner, make someone an owner, or change an owner.");
  }
  for (const state of before ? [before, after] : [after]) {
    requireHeld(actor, permissionsOf(state.role));
    requireLocationsHeld(actor, state.locationIds);
  }
}

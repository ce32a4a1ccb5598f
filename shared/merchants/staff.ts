import type { Principal } from "../auth/principal.ts";
import type { SignInDirectory } from "../auth/sign-in-directory.ts";
import type { Clock } from "../clock.ts";
import { conflict, notFound } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import type { Role, Staff } from "../model.ts";
import { runWrite, type WriteDeps, type WriteResult } from "../pipeline/write.ts";
import type { Db } from "../store/db/client.ts";
import { TransactionCancelled, transact } from "../store/db/transact.ts";
import {
  activeOwnerCheck,
  listStaff,
  newStaffItem,
  type StaffChanges as StoreStaffChanges,
  staffChangeItem,
} from "../store/merchants/staff.ts";
import { getStaff } from "./directory.ts";
import { requireKnownLocations } from "./locations.ts";
import { rolePermissionsAt } from "./roles.ts";
import { isActiveOwner, requireStaffChange } from "./staff-policy.ts";
import { EMAIL_IN_USE_MESSAGE, idFromRequest, provideSignIn, signInConflict } from "./staff-sign-in.ts";
import { staffView } from "./views.ts";

type StaffView = ReturnType<typeof staffView>;

export interface NewStaffMember {
  name: string;
  role: Role;
  locationIds: string[] | "*";
  /** With an address, the person gets a sign-in and Cognito's invitation e-mail; without, a record only. */
  email?: string;
}

export interface StaffChanges {
  name?: string;
  role?: Role;
  locationIds?: string[] | "*";
  active?: boolean;
  email?: string;
}

export interface StaffDeps extends WriteDeps {
  directory: SignInDirectory;
}

export async function listStaffMembers(deps: { db: Db }, principal: Principal): Promise<StaffView[]> {
  return (await listStaff(deps.db, principal.merchantId)).map(staffView);
}

/**
 * A new staff member, and their sign-in when they have an e-mail. The sign-in is made first, then the
 * record, in one transaction with the Idempotency-Key's: a failure of the directory leaves nothing, a
 * failure after it leaves a sign-in without a record, which signs in to nothing (the API reads the
 * record on every request) and which the retry with the same key takes over (the record's id comes from
 * the key, so it is the id the sign-in carries) — exactly one member, one sign-in.
 */
export async function addStaffMember(
  deps: StaffDeps,
  principal: Principal,
  input: NewStaffMember,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ staff: StaffView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  const { role, locationIds } = input;
  const idempotency = idempotencyFrom(idempotencyKey, "staff.create", input);
  return runWrite(deps, {
    name: "staff.create",
    merchantId,
    idempotency,
    // Not only reads: it makes the sign-in, which must never happen for a replayed request.
    loadReadsOnly: false,
    load: async () => {
      requireStaffChange(principal, await rolePermissionsAt(db, merchantId), undefined, {
        role,
        locationIds,
        active: true,
      });
      await requireKnownLocations(db, merchantId, locationIds);
      const staffId = idFromRequest("staff", merchantId, idempotency.key, idempotency.fingerprint);
      if (input.email === undefined) return { staffId };
      return provideSignIn(deps, { merchantId, staffId, email: input.email, role });
    },
    attempt: async (signIn, now) => {
      const staff: Staff = {
        merchantId,
        id: signIn.staffId,
        name: input.name,
        role,
        locationIds,
        ...(input.email === undefined ? {} : { email: input.email }),
        ...("username" in signIn ? { signInUser: signIn.username } : {}),
        active: true,
        createdAt: now.toISOString(),
      };
      return { items: [newStaffItem(db, staff)], result: { staff: staffView(staff) } };
    },
    onConditionFailed: (name) =>
      name === "staff"
        ? conflict("A staff member with this id exists; send the request with a new Idempotency-Key.")
        : undefined,
  });
}

/**
 * Changes a staff member. The write is conditional on the role and active flag it was decided from, and
 * when it removes an active owner it also requires the caller (who, by the policy, is another active owner)
 * to still be one when it commits: two owners deactivating each other at the same moment cannot both
 * succeed, so the merchant always keeps an active owner.
 *
 * The sign-in follows the record, in the order that never lets it grant more than the record: what opens
 * access (re-enabling, a new address, a first sign-in) goes to the directory before the record is written,
 * what closes it (disabling and signing out, the group of a new role) after. A directory failure after the
 * write answers 503: the record holds, and the same PATCH again completes the sign-in's side, since each
 * directory call sets a state rather than toggling one.
 */
export async function updateStaffMember(
  deps: { db: Db; clock: Clock; directory: SignInDirectory },
  principal: Principal,
  staffId: string,
  changes: StaffChanges,
): Promise<StaffView> {
  const { db, directory } = deps;
  const { merchantId } = principal;
  const before = await getStaff(db, merchantId, staffId);
  if (!before) throw notFound("Staff member");
  const updatedAt = deps.clock().toISOString();
  const after: Staff = { ...before, ...changes, updatedAt };
  requireStaffChange(principal, await rolePermissionsAt(db, merchantId), before, after);
  if (changes.locationIds !== undefined) await requireKnownLocations(db, merchantId, changes.locationIds);

  const written: StoreStaffChanges = { ...changes, updatedAt };
  try {
    if (before.signInUser) {
      if (after.active && !before.active) await directory.setEnabled(before.signInUser, true);
      if (changes.email !== undefined && changes.email !== before.email) {
        await directory.setEmail(before.signInUser, changes.email);
      }
    } else if (after.email !== undefined && changes.email !== undefined) {
      const signIn = await provideSignIn(deps, { merchantId, staffId, email: after.email, role: after.role });
      if (signIn.staffId !== staffId) throw conflict(EMAIL_IN_USE_MESSAGE);
      written.signInUser = signIn.username;
    }
  } catch (error) {
    throw signInConflict(error);
  }

  const items = [staffChangeItem(db, before, written)];
  if (isActiveOwner(before) && !isActiveOwner(after)) {
    items.push(activeOwnerCheck(db, merchantId, principal.staffId));
  }
  try {
    await transact(db, items);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed.length > 0) {
      throw conflict("Staff records changed while this request ran; read them again and retry.");
    }
    throw error;
  }

  const username = written.signInUser ?? before.signInUser;
  if (username) {
    if (changes.active === false) await directory.setEnabled(username, false);
    if (changes.role !== undefined) await directory.setRole(username, before.role, after.role);
  }
  return staffView({ ...after, ...(username ? { signInUser: username } : {}) });
}

/**
 * Sends the invitation again (a new temporary password), or a first one to a member who has an address
 * but no sign-in yet (a record made before sign-ins, or without an address then). Once per
 * Idempotency-Key: a retried request does not send a second e-mail.
 */
export async function inviteStaffMember(
  deps: StaffDeps,
  principal: Principal,
  staffId: string,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ staff: StaffView }>> {
  const { db, directory } = deps;
  const { merchantId } = principal;
  return runWrite(deps, {
    name: "staff.invite",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "staff.invite", { staffId }),
    loadReadsOnly: false,
    load: async () => {
      const staff = await getStaff(db, merchantId, staffId);
      if (!staff) throw notFound("Staff member");
      requireStaffChange(principal, await rolePermissionsAt(db, merchantId), staff, staff);
      if (!staff.active) throw conflict("This staff member is deactivated; reactivate them first.");
      if (!staff.email) throw conflict("This staff member has no e-mail address; add one first.");
      if (staff.signInUser) {
        try {
          await directory.resendInvitation(staff.signInUser);
        } catch (error) {
          throw signInConflict(error);
        }
        return { staff, made: undefined };
      }
      const signIn = await provideSignIn(deps, { merchantId, staffId, email: staff.email, role: staff.role });
      if (signIn.staffId !== staffId) throw conflict(EMAIL_IN_USE_MESSAGE);
      return { staff, made: signIn.username };
    },
    attempt: async ({ staff, made }, now) => {
      if (!made) return { items: [], result: { staff: staffView(staff) } };
      const changes = { signInUser: made, updatedAt: now.toISOString() };
      return {
        items: [staffChangeItem(db, staff, changes)],
        result: { staff: staffView({ ...staff, ...changes }) },
      };
    },
  });
}

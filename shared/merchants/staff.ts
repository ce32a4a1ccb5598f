import type { Principal } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import { conflict, notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import type { Role, Staff } from "../model.ts";
import type { WriteDeps, WriteResult } from "../pipeline/write.ts";
import type { Db } from "../store/db/client.ts";
import { TransactionCancelled, transact } from "../store/db/transact.ts";
import { activeOwnerCheck, listStaff, newStaffItem, staffChangeItem } from "../store/merchants/staff.ts";
import { createOnce } from "./create-once.ts";
import { getStaff } from "./directory.ts";
import { requireKnownLocations } from "./locations.ts";
import { rolePermissionsAt } from "./roles.ts";
import { isActiveOwner, requireStaffChange } from "./staff-policy.ts";
import { staffView } from "./views.ts";

type StaffView = ReturnType<typeof staffView>;

export interface NewStaffMember {
  name: string;
  role: Role;
  locationIds: string[] | "*";
  email?: string;
}

export interface StaffChanges {
  name?: string;
  role?: Role;
  locationIds?: string[] | "*";
  active?: boolean;
}

export async function listStaffMembers(deps: { db: Db }, principal: Principal): Promise<StaffView[]> {
  return (await listStaff(deps.db, principal.merchantId)).map(staffView);
}

export async function addStaffMember(
  deps: WriteDeps,
  principal: Principal,
  input: NewStaffMember,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ staff: StaffView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  const { role, locationIds } = input;
  return createOnce(
    deps,
    principal,
    { operation: "staff.create", input, idempotencyKey },
    {
      check: async () => {
        requireStaffChange(principal, await rolePermissionsAt(db, merchantId), undefined, {
          role,
          locationIds,
          active: true,
        });
        await requireKnownLocations(db, merchantId, locationIds);
      },
      build: (_, now) => {
        // TODO(cognito): on AWS this must also create the person's sign-in: AdminCreateUser in the staff user
        // pool with the email as username and the immutable custom:merchant_id / custom:staff_id attributes
        // (copied into tokens by functions/cognito-pre-token.ts), and email becomes required. Until then a
        // member created here can only sign in locally, with a token from the local authorizer.
        const staff: Staff = {
          merchantId,
          id: newId("staff", now),
          name: input.name,
          role,
          locationIds,
          ...(input.email === undefined ? {} : { email: input.email }),
          active: true,
          createdAt: now.toISOString(),
        };
        return { items: [newStaffItem(db, staff)], result: { staff: staffView(staff) } };
      },
    },
  );
}

/**
 * Changes a staff member. The write is conditional on the role and active flag it was decided from, and
 * when it removes an active owner it also requires the caller (who, by the policy, is another active owner)
 * to still be one when it commits: two owners deactivating each other at the same moment cannot both
 * succeed, so the merchant always keeps an active owner.
 */
export async function updateStaffMember(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  staffId: string,
  changes: StaffChanges,
): Promise<StaffView> {
  const { db } = deps;
  const { merchantId } = principal;
  const before = await getStaff(db, merchantId, staffId);
  if (!before) throw notFound("Staff member");
  const updatedAt = deps.clock().toISOString();
  const after: Staff = { ...before, ...changes, updatedAt };
  requireStaffChange(principal, await rolePermissionsAt(db, merchantId), before, after);
  if (changes.locationIds !== undefined) await requireKnownLocations(db, merchantId, changes.locationIds);

  const items = [staffChangeItem(db, before, { ...changes, updatedAt })];
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
  return staffView(after);
}

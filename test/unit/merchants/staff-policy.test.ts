import { describe, expect, it } from "vitest";
import { DEFAULT_ROLE_PERMISSIONS, PERMISSIONS, type Permission } from "../../../shared/auth/permissions.ts";
import type { Principal } from "../../../shared/auth/principal.ts";
import type { DomainError } from "../../../shared/errors.ts";
import { requireStaffChange, type StaffState } from "../../../shared/merchants/staff-policy.ts";
import type { Role } from "../../../shared/model.ts";

const withStaffManage: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  manager: [...DEFAULT_ROLE_PERMISSIONS.manager, "staff:manage"],
  staff: DEFAULT_ROLE_PERMISSIONS.staff,
};
const permissionsOf = (role: Role) => withStaffManage[role];

const actor = (role: Role, locationIds: string[] | "*" = "*"): Principal => ({
  merchantId: "m",
  staffId: "me",
  role,
  locationIds,
  permissions: new Set(withStaffManage[role]),
});
const member = (role: Role, id = "them", locationIds: string[] | "*" = "*") => ({
  id,
  role,
  active: true,
  locationIds,
});
const as = (state: StaffState, changes: Partial<StaffState>) => ({ ...state, ...changes });

/** The kind of refusal, or "allowed". */
function verdict(by: Principal, before: ReturnType<typeof member> | undefined, after: StaffState): string {
  try {
    requireStaffChange(by, permissionsOf, before, after);
    return "allowed";
  } catch (error) {
    return (error as DomainError).kind;
  }
}

describe("staff change policy", () => {
  it("never lets anyone lock themselves out", () => {
    const self = member("owner", "me");
    expect(verdict(actor("owner"), self, as(self, { active: false }))).toBe("conflict");
    expect(verdict(actor("owner"), self, as(self, { role: "manager" }))).toBe("conflict");
    const manager = member("manager", "me");
    expect(verdict(actor("manager"), manager, as(manager, { active: false }))).toBe("conflict");
    expect(verdict(actor("owner"), self, as(self, { locationIds: ["a"] }))).toBe("allowed");
  });

  it("lets only owners make, change or remove owners", () => {
    expect(verdict(actor("owner"), undefined, member("owner"))).toBe("allowed");
    expect(verdict(actor("owner"), member("owner"), as(member("owner"), { active: false }))).toBe("allowed");
    expect(verdict(actor("manager"), undefined, member("owner"))).toBe("forbidden");
    expect(verdict(actor("manager"), member("staff"), member("owner"))).toBe("forbidden");
    expect(verdict(actor("manager"), member("owner"), as(member("owner"), { active: false }))).toBe(
      "forbidden",
    );
    expect(verdict(actor("manager"), member("owner"), as(member("owner"), { locationIds: ["a"] }))).toBe(
      "forbidden",
    );
  });

  it("lets nobody else give or manage more permissions than they hold", () => {
    const staffWithStaffManage: Principal = {
      ...actor("staff"),
      permissions: new Set([...DEFAULT_ROLE_PERMISSIONS.staff, "staff:manage"]),
    };
    expect(verdict(staffWithStaffManage, undefined, member("staff"))).toBe("allowed");
    expect(verdict(staffWithStaffManage, undefined, member("manager"))).toBe("forbidden");
    expect(verdict(staffWithStaffManage, member("manager"), as(member("manager"), { role: "staff" }))).toBe(
      "forbidden",
    );
    expect(verdict(actor("manager"), member("staff"), member("manager"))).toBe("allowed");
  });

  it("lets nobody else give or manage access to locations they may not use", () => {
    const local = actor("manager", ["a", "b"]);
    expect(verdict(local, undefined, member("staff", "x", ["a"]))).toBe("allowed");
    expect(verdict(local, undefined, member("staff", "x", ["a", "c"]))).toBe("forbidden");
    expect(verdict(local, undefined, member("staff", "x", "*"))).toBe("forbidden");
    expect(verdict(local, member("staff", "x", "*"), member("staff", "x", ["a"]))).toBe("forbidden");
    expect(verdict(actor("owner", ["a"]), undefined, member("staff", "x", "*"))).toBe("allowed");
  });
});

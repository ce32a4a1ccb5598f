import { beforeAll, describe, expect, it } from "vitest";
import { errorResponse } from "../../functions/http/problem.ts";
import { resolvePrincipal } from "../../shared/auth/principal.ts";
import { createMerchantAccount, type NewMerchantAccount } from "../../shared/merchants/merchant-account.ts";
import { SIGN_UP_LIMITS, signUp } from "../../shared/merchants/signup.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { listLocations } from "../../shared/store/merchants/locations.ts";
import { readMerchant } from "../../shared/store/merchants/merchant.ts";
import { listPrograms } from "../../shared/store/merchants/programs.ts";
import { listStaff } from "../../shared/store/merchants/staff.ts";
import { fakeSignInDirectory } from "../support/fake-sign-in-directory.ts";
import { testDb } from "../support/test-stack.ts";

let db: Db;
let seq = 0;
const clock = () => new Date("2026-12-02T10:00:00Z");

beforeAll(async () => {
  db = await testDb();
});

const cafe = (): NewMerchantAccount => ({
  businessName: "Café Lumière",
  ownerName: "Odile",
  ownerEmail: `odile-${++seq}@example.com`,
  country: "FR",
  currency: "EUR",
  locale: "fr",
});

const status = (error: unknown) => errorResponse(error, "test").statusCode;

describe("a merchant made by the operator", () => {
  it("starts with a location, a purchase program, and an owner whose sign-in is invited", async () => {
    const directory = fakeSignInDirectory();
    const input = cafe();
    const made = await createMerchantAccount({ db, clock, directory }, input, "operator");
    expect(made.created).toBe(true);
    expect(new Set([made.merchantId, made.ownerStaffId, made.locationId, made.programId]).size).toBe(4);
    expect(await readMerchant(db, made.merchantId, true)).toMatchObject({
      name: "Café Lumière",
      currency: "EUR",
      status: "active",
      locale: "fr",
    });
    const [program] = await listPrograms(db, made.merchantId);
    expect(program).toMatchObject({
      id: made.programId,
      rule: { kind: "purchase", points: 1, per: "1.00", rounding: "down", currency: "EUR" },
    });
    expect(program?.expiry).toBeUndefined();
    expect(await listLocations(db, made.merchantId)).toMatchObject([
      { id: made.locationId, programId: made.programId },
    ]);
    const [owner] = await listStaff(db, made.merchantId);
    const [user] = [...directory.users.values()];
    expect(owner).toMatchObject({
      id: made.ownerStaffId,
      role: "owner",
      locationIds: "*",
      signInUser: user?.username,
    });
    expect(user).toMatchObject({
      merchantId: made.merchantId,
      staffId: made.ownerStaffId,
      email: input.ownerEmail,
      role: "owner",
    });
  });

  it("is made once per owner address, however often it is asked", async () => {
    const directory = fakeSignInDirectory();
    const input = cafe();
    const [a, b] = await Promise.all([
      createMerchantAccount({ db, clock, directory }, input, "operator"),
      createMerchantAccount({ db, clock, directory }, input, "operator"),
    ]);
    expect(a.merchantId).toBe(b.merchantId);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    const again = await createMerchantAccount(
      { db, clock, directory },
      { ...input, businessName: "Autre" },
      "operator",
    );
    expect(again).toMatchObject({ merchantId: a.merchantId, created: false });
    expect(directory.users.size).toBe(1);
    expect(await listStaff(db, a.merchantId)).toHaveLength(1);
  });

  it("finishes the same merchant on a retry after the user pool failed", async () => {
    const directory = fakeSignInDirectory();
    const invite = directory.invite;
    directory.invite = async () => {
      directory.invite = invite;
      throw Object.assign(new Error("slow"), { name: "TimeoutError" });
    };
    const input = cafe();
    const error = await createMerchantAccount({ db, clock, directory }, input, "operator").catch(
      (e: unknown) => e,
    );
    expect(status(error)).toBe(503);
    const made = await createMerchantAccount({ db, clock, directory }, input, "operator");
    expect(made.created).toBe(true);
    expect(directory.users.size).toBe(1);
  });

  it("refuses an owner address that already signs in elsewhere", async () => {
    const directory = fakeSignInDirectory();
    await directory.invite({
      merchantId: "elsewhere",
      staffId: "s",
      email: "taken@example.com",
      role: "staff",
    });
    const error = await createMerchantAccount(
      { db, clock, directory },
      { ...cafe(), ownerEmail: "taken@example.com" },
      "operator",
    ).catch((e: unknown) => e);
    expect(status(error)).toBe(409);
  });
});

describe("a public sign-up", () => {
  const open = (directory = fakeSignInDirectory()) => ({ db, clock, directory, policy: "open" as const });

  it("is refused unless the stack opened it", async () => {
    const error = await signUp({ ...open(), policy: "invite" }, cafe(), "192.0.2.1").catch((e: unknown) => e);
    expect(status(error)).toBe(403);
  });

  it("makes a pending merchant that its owner's first signed-in request opens", async () => {
    const directory = fakeSignInDirectory();
    const input = cafe();
    await signUp(open(directory), input, "192.0.2.2");
    const [user] = [...directory.users.values()];
    if (!user) throw new Error("no user invited");
    expect(await readMerchant(db, user.merchantId, true)).toMatchObject({ status: "pending" });
    const claims = { merchant_id: user.merchantId, staff_id: user.staffId };
    await resolvePrincipal(db, claims);
    expect(await readMerchant(db, user.merchantId, true)).toMatchObject({ status: "active" });
  });

  it("answers the same for an address that is new, known, or signing in elsewhere, and mails only its owner", async () => {
    const directory = fakeSignInDirectory();
    await directory.invite({
      merchantId: "elsewhere",
      staffId: "s",
      email: "known@example.com",
      role: "staff",
    });
    const input = cafe();
    const answers = [
      await signUp(open(directory), input, "192.0.2.3"),
      await signUp(open(directory), { ...input, businessName: "Second try" }, "192.0.2.3"),
      await signUp(open(directory), { ...cafe(), ownerEmail: "known@example.com" }, "192.0.2.3"),
    ];
    expect(answers).toEqual([undefined, undefined, undefined]);
    const owner = [...directory.users.values()].find((u) => u.email === input.ownerEmail);
    // The second request sent the invitation again, to the owner's own mailbox; no second merchant.
    expect(owner?.invitations).toBe(2);
    expect(directory.users.size).toBe(2);
    expect(await readMerchant(db, "elsewhere", true)).toBeUndefined();
  });

  it("is limited per e-mail address and per source address, with Retry-After", async () => {
    const directory = fakeSignInDirectory();
    const input = cafe();
    for (let i = 0; i < SIGN_UP_LIMITS.perEmailPerDay; i++)
      await signUp(open(directory), input, `198.51.100.${i}`);
    const perEmail = await signUp(open(directory), input, "198.51.100.200").catch((e: unknown) => e);
    expect(status(perEmail)).toBe(429);
    expect(Number(errorResponse(perEmail, "t").headers?.["retry-after"])).toBeGreaterThan(0);

    for (let i = 0; i < SIGN_UP_LIMITS.perIpPerHour; i++)
      await signUp(open(directory), cafe(), "203.0.113.9");
    expect(status(await signUp(open(directory), cafe(), "203.0.113.9").catch((e: unknown) => e))).toBe(429);
  });
});

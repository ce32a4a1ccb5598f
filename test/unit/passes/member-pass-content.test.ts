import { describe, expect, it } from "vitest";
import { googleAccountId, MAX_ACCOUNT_ID_LENGTH } from "../../../passes/google/account-id.ts";
import {
  applePassViewOf,
  dayInZone,
  expiryText,
  googleIds,
  googleLoyaltyObject,
  googleObjectPatch,
  programsInUse,
} from "../../../passes/member-pass.ts";
import type { Location } from "../../../shared/model.ts";
import { memberPassContent, PROGRAMS } from "../../fixtures/passes/member-pass-content.ts";

const ids = googleIds("3388000000000000000", "mer_1", "pass_01JD0000000000000000000001");
const location = (id: string, programId: string): Location => ({
  merchantId: "mer_1",
  id,
  name: id,
  programId,
  createdAt: "2026-01-01T00:00:00Z",
});

describe("the Google loyalty object's accountId", () => {
  it("is the member's barcode, within Google's recommended 20 characters (the customer id has 30)", () => {
    const content = memberPassContent();
    expect(content.customer.id.length).toBe(30);
    const object = googleLoyaltyObject(content, ids);
    expect(object.accountId).toBe("KQ7RVX3M9TPW2HZ6CN4D");
    expect(object.accountId?.length).toBeLessThanOrEqual(MAX_ACCOUNT_ID_LENGTH);
    expect(object.accountName).toBe("Camille Martin");
  });

  it("is 20 stable characters for an imported barcode longer than that, different per barcode", () => {
    const long = "IMPORTED-CARD-000000000000012345";
    expect(googleAccountId(long)).toMatch(/^[0-9A-F]{20}$/);
    expect(googleAccountId(long)).toBe(googleAccountId(long));
    expect(googleAccountId(`${long}6`)).not.toBe(googleAccountId(long));
  });
});

describe("expiry texts on the Google pass", () => {
  it.each([
    ["en", 23, "23 pts expire on 1 Dec 2027"],
    ["en", 1, "1 pt expires on 1 Dec 2027"],
    ["fr", 23, "23 pts expirent le 1 déc. 2027"],
    ["fr", 1, "1 pt expire le 1 déc. 2027"],
  ] as const)("are a human date in the member's language (%s, %i)", (locale, points, text) => {
    expect(expiryText({ points, date: "2027-12-01" }, locale)).toBe(text);
    const patch = googleObjectPatch(
      memberPassContent({ locale, nextExpiry: { points, date: "2027-12-01" } }),
    );
    expect(patch.textModulesData?.find((module) => module.id === "expiry")?.body).toBe(text);
  });

  it("never show an ISO date", () => {
    const patch = googleObjectPatch(memberPassContent());
    expect(JSON.stringify(patch)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("fall on the day the points expire in the pass's time zone", () => {
    // 23:30 UTC on 30 November is already 1 December in Paris, still 30 November in New York.
    expect(dayInZone("2027-11-30T23:30:00.000Z", "Europe/Paris")).toBe("2027-12-01");
    expect(dayInZone("2027-11-30T23:30:00.000Z", "America/New_York")).toBe("2027-11-30");
    expect(dayInZone("2027-11-30T23:30:00.000Z", "UTC")).toBe("2027-11-30");
  });
});

describe("How points work", () => {
  it("lists only the programs some location earns with", () => {
    const all = [PROGRAMS.paris, PROGRAMS.lyon];
    expect(programsInUse(all, [location("paris-01", PROGRAMS.paris.id)])).toEqual([PROGRAMS.paris]);
    expect(
      programsInUse(all, [location("a", PROGRAMS.lyon.id), location("b", PROGRAMS.lyon.id)]).map((p) => p.id),
    ).toEqual([PROGRAMS.lyon.id]);
    expect(programsInUse(all, [])).toEqual([]);
  });

  it("shows the programs of the content on both passes, and the merchant's name when there are none", () => {
    const content = memberPassContent({ programs: [PROGRAMS.lyon] });
    const apple = applePassViewOf(content, "2026-11-07T09:00:00Z").howPointsAreComputed;
    expect(apple).toBe("Lyon: 10 points per visit (at most one visit every 60 minutes)");
    const google = googleObjectPatch(content).textModulesData?.find((m) => m.id === "howPointsWork")?.body;
    expect(google).toBe(apple);
    const none = memberPassContent({ programs: [] });
    expect(applePassViewOf(none, "2026-11-07T09:00:00Z").howPointsAreComputed).toBe("Café Lumière");
    expect(googleObjectPatch(none).textModulesData?.some((m) => m.id === "howPointsWork")).toBe(false);
  });
});

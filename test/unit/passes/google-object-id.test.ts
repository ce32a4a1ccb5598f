import { describe, expect, it } from "vitest";
import { belongsToIssuer, loyaltyClassId, loyaltyObjectId } from "../../../passes/google/object-id.ts";

const ISSUER = "3388000000022222222";

describe("loyaltyObjectId", () => {
  it("keeps ids that are already valid suffixes", () => {
    expect(loyaltyObjectId(ISSUER, "01HZX3M4N5P6Q7R8S9T0V1W2X3")).toBe(
      `${ISSUER}.01HZX3M4N5P6Q7R8S9T0V1W2X3`,
    );
    expect(loyaltyObjectId(ISSUER, "member.7-a")).toBe(`${ISSUER}.member.7-a`);
  });

  it("encodes everything outside [A-Za-z0-9.-] so the suffix stays within Google's alphabet", () => {
    const id = loyaltyObjectId(ISSUER, "a b/c?é_");

    expect(id).toBe(`${ISSUER}.a_20b_2fc_3f_c3_a9_5f`);
    expect(id.slice(ISSUER.length + 1)).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it("never maps two membership ids to the same object id", () => {
    const ids = ["a b", "a_b", "a_20b", "a/b", "ab"].map((m) => loyaltyObjectId(ISSUER, m));

    expect(new Set(ids).size).toBe(ids.length);
  });

  it("rejects an empty membership id and a non-numeric issuer id", () => {
    expect(() => loyaltyObjectId(ISSUER, "")).toThrow(RangeError);
    expect(() => loyaltyObjectId("issuer", "m1")).toThrow(RangeError);
  });

  it("builds class ids the same way", () => {
    expect(loyaltyClassId(ISSUER, "gold tier")).toBe(`${ISSUER}.gold_20tier`);
  });
});

describe("belongsToIssuer", () => {
  it("accepts only ids under the issuer's prefix with a suffix", () => {
    expect(belongsToIssuer(ISSUER, `${ISSUER}.x`)).toBe(true);
    expect(belongsToIssuer(ISSUER, `${ISSUER}.`)).toBe(false);
    expect(belongsToIssuer(ISSUER, `${ISSUER}1.x`)).toBe(false);
    expect(belongsToIssuer(ISSUER, "999.x")).toBe(false);
  });
});

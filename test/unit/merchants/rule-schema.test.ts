import { describe, expect, it } from "vitest";
import { EarnRuleSchema, ProgramSettingsSchema } from "../../../shared/programs/rule-schema.ts";

const issues = (value: unknown) =>
  EarnRuleSchema.safeParse(value).error?.issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
  }));

describe("earning rule validation", () => {
  it.each([
    [{ kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "nearest" }],
    [{ kind: "purchase", currency: "EUR", points: 1_000_000, per: "0.01", rounding: "up" }],
    [{ kind: "purchase", currency: "JPY", points: 1, per: "100", rounding: "down" }],
    [{ kind: "purchase", currency: "BHD", points: 1, per: "0.005", rounding: "down" }],
    [{ kind: "visit", pointsPerVisit: 10, minMinutesBetweenVisits: 0 }],
    [{ kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 525_600 }],
  ])("accepts %j as it is", (rule) => {
    expect(EarnRuleSchema.parse(rule)).toEqual(rule);
  });

  it("rounds down unless told otherwise", () => {
    expect(EarnRuleSchema.parse({ kind: "purchase", currency: "EUR", points: 1, per: "1" })).toEqual({
      kind: "purchase",
      currency: "EUR",
      points: 1,
      per: "1",
      rounding: "down",
    });
  });

  it("says why a per amount does not fit the currency", () => {
    expect(issues({ kind: "purchase", currency: "JPY", points: 1, per: "0.5" })).toEqual([
      { path: "per", message: "JPY has at most 0 decimals" },
    ]);
    expect(issues({ kind: "purchase", currency: "EUR", points: 1, per: "0.00" })).toEqual([
      { path: "per", message: "must be a positive decimal number such as 1.00" },
    ]);
  });

  it.each([
    ["XYZ", "a code Intl would format anyway"],
    ["XXX", "the 'no currency' code"],
    ["FRF", "a withdrawn currency"],
    ["EURO", "not three letters"],
  ])("refuses the currency %s (%s)", (currency) => {
    expect(issues({ kind: "purchase", currency, points: 1, per: "1" })).toContainEqual({
      path: "currency",
      message: "must be a known ISO 4217 code such as EUR",
    });
  });

  it.each([0, -1, 1.5, 1_000_001, Number.NaN, "1"])("refuses %s points", (points) => {
    expect(issues({ kind: "purchase", currency: "EUR", points, per: "1" })?.map((i) => i.path)).toEqual([
      "points",
    ]);
    expect(
      issues({ kind: "visit", pointsPerVisit: points, minMinutesBetweenVisits: 0 })?.map((i) => i.path),
    ).toEqual(["pointsPerVisit"]);
  });

  it("refuses fields of the other kind of rule", () => {
    expect(
      issues({ kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0, rounding: "down" }),
    ).toEqual([{ path: "", message: 'Unrecognized key: "rounding"' }]);
  });

  it("trims the program name and refuses a blank one", () => {
    const rule = { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0 };
    expect(ProgramSettingsSchema.parse({ name: "  Café  ", rule }).name).toBe("Café");
    expect(ProgramSettingsSchema.safeParse({ name: "   ", rule }).success).toBe(false);
  });
});

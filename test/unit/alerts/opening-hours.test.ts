import { describe, expect, it } from "vitest";
import { isOpenAt, OpeningHoursSchema } from "../../../shared/merchants/opening-hours.ts";

const paris = {
  timeZone: "Europe/Paris",
  weekly: {
    tue: [
      ["09:00", "12:00"],
      ["14:00", "24:00"],
    ] as [string, string][],
  },
};

describe("opening hours", () => {
  it("reads the time on the location's own clock, summer time included", () => {
    // Tuesday 10 March 2026: Paris is UTC+1.
    expect(isOpenAt(paris, new Date("2026-03-10T07:59:00Z"))).toBe(false);
    expect(isOpenAt(paris, new Date("2026-03-10T08:00:00Z"))).toBe(true);
    expect(isOpenAt(paris, new Date("2026-03-10T11:00:00Z"))).toBe(false);
    expect(isOpenAt(paris, new Date("2026-03-10T22:59:00Z"))).toBe(true);
    // 23:00 UTC is already Wednesday in Paris, which has no hours.
    expect(isOpenAt(paris, new Date("2026-03-10T23:00:00Z"))).toBe(false);
    // Tuesday 7 July 2026: UTC+2, so 07:30 UTC is 09:30 there.
    expect(isOpenAt(paris, new Date("2026-07-07T07:30:00Z"))).toBe(true);
    expect(isOpenAt(paris, new Date("2026-07-07T06:59:00Z"))).toBe(false);
  });

  it("refuses hours that cannot be read", () => {
    for (const bad of [
      { timeZone: "Mars/Olympus", weekly: {} },
      { timeZone: "Europe/Paris", weekly: { tue: [["12:00", "09:00"]] } },
      { timeZone: "Europe/Paris", weekly: { tue: [["9:00", "12:00"]] } },
      { timeZone: "Europe/Paris", weekly: { tue: [["09:00", "24:01"]] } },
      { timeZone: "Europe/Paris", weekly: { monday: [["09:00", "12:00"]] } },
      { timeZone: "Europe/Paris", weekly: { tue: Array(5).fill(["09:00", "10:00"]) } },
    ]) {
      expect(OpeningHoursSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(OpeningHoursSchema.safeParse(paris).success).toBe(true);
  });
});

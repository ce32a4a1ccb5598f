import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  afterQualifying,
  afterReturn,
  progressOf,
  qualifyingAt,
  reviewed,
  reviewTime,
  type TierState,
  windowMonths,
} from "../../../shared/tiers/qualify.ts";
import { type TierSettings, TierSettingsSchema } from "../../../shared/tiers/settings.ts";

const LEVELS = [
  { name: "Bronze", threshold: 0, multiplier: "1" },
  { name: "Silver", threshold: 500, multiplier: "1.25" },
  { name: "Gold", threshold: 1500, multiplier: "1.5" },
];
const rolling = (months: number): TierSettings => ({ window: { kind: "rolling", months }, levels: LEVELS });
const YEAR: TierSettings = { window: { kind: "calendar_year" }, levels: LEVELS };
const at = (iso: string) => new Date(iso);

describe("the qualifying window", () => {
  it("holds the last N UTC months, or the months of the calendar year so far", () => {
    expect(windowMonths({ kind: "rolling", months: 3 }, at("2026-02-15T00:00:00Z"))).toEqual([
      "2025-12",
      "2026-01",
      "2026-02",
    ]);
    expect(windowMonths({ kind: "calendar_year" }, at("2026-03-31T23:59:59Z"))).toEqual([
      "2026-01",
      "2026-02",
      "2026-03",
    ]);
  });

  it("qualifying total = the sum of the qualifying entries in the window, for any history (property)", () => {
    const earn = fc.record({
      // Up to three years of minutes, from 2026-01-01.
      minute: fc.integer({ min: 0, max: 3 * 365 * 24 * 60 }),
      points: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(
        fc.array(earn, { maxLength: 60 }),
        fc.oneof(fc.integer({ min: 1, max: 24 }).map(rolling), fc.constant(YEAR)),
        fc.integer({ min: 0, max: 400 * 24 * 60 }),
        (earns, settings, after) => {
          const base = Date.parse("2026-01-01T00:00:00Z");
          const sorted = [...earns].sort((a, b) => a.minute - b.minute);
          let state: TierState | undefined;
          for (const e of sorted) {
            state = afterQualifying(settings, state, e.points, new Date(base + e.minute * 60_000)).state;
            expect(Object.keys(state.buckets).length).toBeLessThanOrEqual(
              settings.window.kind === "rolling" ? settings.window.months : 12,
            );
          }
          const last = sorted.length ? (sorted[sorted.length - 1]?.minute ?? 0) : 0;
          const when = new Date(base + (last + after) * 60_000);
          const months = new Set(windowMonths(settings.window, when));
          const expected = sorted
            .filter((e) => months.has(new Date(base + e.minute * 60_000).toISOString().slice(0, 7)))
            .reduce((sum, e) => sum + e.points, 0);
          expect(qualifyingAt(settings.window, state?.buckets ?? {}, when)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("promotion, review and demotion", () => {
  const settings = rolling(3);

  it("promotes as soon as an earn reaches the threshold, and records why", () => {
    const first = afterQualifying(settings, undefined, 400, at("2026-01-10T10:00:00Z"));
    expect(first.state.tier).toBe("Bronze");
    expect(first.move).toBeUndefined();
    const second = afterQualifying(settings, first.state, 150, at("2026-02-03T10:00:00Z"));
    expect(second.move).toEqual({ from: 0, to: 1, points: 550 });
    expect(second.state).toMatchObject({ tier: "Silver", since: "2026-02-03T10:00:00.000Z" });
    // In a 3-month window January's 400 leave on 1 April: 150 < 500, so that is the review.
    expect(second.state.reviewAt).toBe("2026-04-01T00:00:00.000Z");
  });

  it("skips levels when one earn crosses several thresholds", () => {
    const outcome = afterQualifying(settings, undefined, 1600, at("2026-05-01T00:00:00Z"));
    expect(outcome.move).toEqual({ from: 0, to: 2, points: 1600 });
    // Every point is in May: they leave on 1 August (the window is May–July until then).
    expect(outcome.state.reviewAt).toBe("2026-08-01T00:00:00.000Z");
  });

  it("the review at the window's boundary demotes to what the window still holds", () => {
    const silver = afterQualifying(settings, undefined, 600, at("2026-01-31T23:59:59Z")).state;
    expect(silver.reviewAt).toBe("2026-04-01T00:00:00.000Z");
    // The last second before the boundary the points still count.
    expect(reviewed(settings, silver, at("2026-03-31T23:59:59Z")).move).toBeUndefined();
    const after = reviewed(settings, silver, at("2026-04-01T00:00:00Z"));
    expect(after.move).toEqual({ from: 1, to: 0, points: 0 });
    expect(after.state.tier).toBe("Bronze");
    expect(after.state.reviewAt).toBeUndefined();
  });

  it("a calendar-year level is kept to the end of the year and reviewed on 1 January", () => {
    const gold = afterQualifying(YEAR, undefined, 1500, at("2026-03-10T12:00:00Z")).state;
    expect(gold.reviewAt).toBe("2027-01-01T00:00:00.000Z");
    expect(progressOf(YEAR, gold, at("2026-06-01T00:00:00Z"))).toMatchObject({
      tier: "Gold",
      qualifyingPoints: 1500,
      keptUntil: "2026-12-31",
      pointsToKeep: 1500,
      next: null,
    });
  });

  it("an earn after an overdue review (the job has not run yet) decides the level from the window", () => {
    const silver = afterQualifying(settings, undefined, 600, at("2026-01-15T00:00:00Z")).state;
    const late = afterQualifying(settings, silver, 10, at("2026-04-02T00:00:00Z"));
    expect(late.move).toEqual({ from: 1, to: 0, points: 10 });
  });

  it("says what is needed to stay and to go up", () => {
    const s = afterQualifying(settings, undefined, 300, at("2026-01-05T00:00:00Z")).state;
    const silver = afterQualifying(settings, s, 380, at("2026-03-05T00:00:00Z")).state;
    expect(progressOf(settings, silver, at("2026-03-20T00:00:00Z"))).toEqual({
      tier: "Silver",
      multiplier: "1.25",
      qualifyingPoints: 680,
      window: { kind: "rolling", months: 3 },
      next: { tier: "Gold", threshold: 1500, pointsNeeded: 820 },
      // January's 300 leave on 1 April: 380 left, 120 short of Silver's 500.
      keptUntil: "2026-03-31",
      pointsToKeep: 120,
    });
  });
});

describe("purchase returns: grace until the next review", () => {
  const settings = rolling(12);

  it("returned points stop qualifying at once; the level is kept until the next month starts at the earliest", () => {
    const gold = afterQualifying(settings, undefined, 1600, at("2026-05-10T00:00:00Z")).state;
    expect(gold.reviewAt).toBe("2027-05-01T00:00:00.000Z");
    const back = afterReturn(settings, gold, 200, at("2026-05-10T00:00:00Z"), at("2026-05-20T00:00:00Z"));
    expect(back?.move).toBeUndefined();
    expect(back?.state.tier).toBe("Gold");
    expect(qualifyingAt(settings.window, back?.state.buckets ?? {}, at("2026-05-20T00:00:00Z"))).toBe(1400);
    // Below the threshold now: reviewed when the next month starts, not at once.
    expect(back?.state.reviewAt).toBe("2026-06-01T00:00:00.000Z");
    const review = reviewed(settings, back?.state as TierState, at("2026-06-01T00:00:00Z"));
    expect(review.move).toEqual({ from: 2, to: 1, points: 1400 });
  });

  it("a return of points from a month already out of the window changes nothing", () => {
    const s = afterQualifying(rolling(1), undefined, 600, at("2026-01-10T00:00:00Z")).state;
    const back = afterReturn(rolling(1), s, 600, at("2026-01-10T00:00:00Z"), at("2026-02-02T00:00:00Z"));
    expect(back?.state.buckets).toEqual({});
  });

  it("reviewTime is none for the first level", () => {
    expect(reviewTime(settings, { "2026-01": 100 }, 0, at("2026-01-02T00:00:00Z"))).toBeUndefined();
  });
});

describe("tier settings", () => {
  const parse = (body: unknown) => TierSettingsSchema.safeParse(body);

  it("accepts an ordered list from 0 with exact multipliers", () => {
    expect(parse({ window: { kind: "rolling", months: 12 }, levels: LEVELS }).success).toBe(true);
  });

  it.each([
    [[{ name: "Silver", threshold: 10, multiplier: "1" }], "levels.0.threshold"],
    [[...LEVELS.slice(0, 2), { name: "Gold", threshold: 500, multiplier: "2" }], "levels.2.threshold"],
    [[LEVELS[0], { name: "bronze", threshold: 5, multiplier: "1" }], "levels.1.name"],
    [[{ name: "Bronze", threshold: 0, multiplier: "1.555" }], "levels.0.multiplier"],
    [[{ name: "Bronze", threshold: 0, multiplier: "0.5" }], "levels.0.multiplier"],
    [[{ name: "Bronze", threshold: 0, multiplier: "1e1" }], "levels.0.multiplier"],
    [[{ name: "Bronze", threshold: 0, multiplier: "11" }], "levels.0.multiplier"],
    [[{ name: "B".repeat(41), threshold: 0, multiplier: "1" }], "levels.0.name"],
  ])("refuses %j naming %s", (levels, path) => {
    const result = parse({ window: { kind: "calendar_year" }, levels });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("refuses more than 10 levels and windows past 24 months", () => {
    const many = Array.from({ length: 11 }, (_, i) => ({
      name: `L${i}`,
      threshold: i * 10,
      multiplier: "1",
    }));
    expect(parse({ window: { kind: "calendar_year" }, levels: many }).success).toBe(false);
    expect(parse({ window: { kind: "rolling", months: 25 }, levels: LEVELS }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { decideNotify } from "../../../passes/google/notify-quota.ts";

const HOUR = 60 * 60_000;
const T0 = Date.parse("2025-03-01T08:00:00.000Z");
const at = (hours: number) => new Date(T0 + hours * HOUR);
const iso = (hours: number) => at(hours).toISOString();

describe("decideNotify", () => {
  it("lets the first three updates in 24 hours notify, then goes silent", () => {
    let kept: string[] = [];
    const decisions: boolean[] = [];
    for (const hour of [0, 1, 2, 3, 23.9]) {
      const decision = decideNotify(kept, at(hour));
      decisions.push(decision.notify);
      kept = decision.keep;
    }

    expect(decisions).toEqual([true, true, true, false, false]);
    expect(kept).toEqual([iso(0), iso(1), iso(2)]);
  });

  it("notifies again once the oldest stamp leaves the rolling window", () => {
    const previous = [iso(0), iso(1), iso(2)];

    expect(decideNotify(previous, at(24)).notify).toBe(false);
    const later = decideNotify(previous, new Date(T0 + 24 * HOUR + 1));

    expect(later.notify).toBe(true);
    expect(later.keep).toEqual([iso(1), iso(2), new Date(T0 + 24 * HOUR + 1).toISOString()]);
  });

  it("does not record a silent update", () => {
    const previous = [iso(0), iso(1), iso(2)];

    expect(decideNotify(previous, at(5))).toEqual({ notify: false, keep: previous });
  });

  it("prunes stamps older than the window and sorts what it keeps", () => {
    const decision = decideNotify([iso(30), iso(2), iso(29)], at(31));

    expect(decision).toEqual({ notify: true, keep: [iso(29), iso(30), iso(31)] });
  });

  it("drops unreadable stamps instead of counting them forever", () => {
    expect(decideNotify(["garbage", iso(0), iso(1)], at(2)).notify).toBe(true);
  });

  it("keeps at most `limit` stamps even if given more", () => {
    const decision = decideNotify([iso(0), iso(1), iso(2), iso(3), iso(4)], at(5));

    expect(decision).toEqual({ notify: false, keep: [iso(2), iso(3), iso(4)] });
  });

  it("accepts a different policy", () => {
    expect(decideNotify([iso(0)], at(0.5), { limit: 1, windowMs: HOUR }).notify).toBe(false);
    expect(decideNotify([iso(0)], at(1.5), { limit: 1, windowMs: HOUR }).notify).toBe(true);
  });
});

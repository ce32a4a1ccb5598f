import { describe, expect, it } from "vitest";
import { batchExpiresAt, inactivityDueAt } from "../../shared/expiry/policy.ts";
import { reminderStep } from "../../shared/expiry/reminders.ts";

const at = (iso: string) => new Date(iso);

describe("expiry policies", () => {
  it("rolling: N days after the batch was earned", () => {
    expect(batchExpiresAt({ kind: "rolling", days: 365 }, at("2026-02-28T10:00:00Z"))).toBe(
      "2027-02-28T10:00:00.000Z",
    );
  });

  it("fixed: the end of the next such date after earning", () => {
    const policy = { kind: "fixed", month: 12, day: 31 } as const;
    expect(batchExpiresAt(policy, at("2026-06-01T00:00:00Z"))).toBe("2026-12-31T23:59:59.999Z");
    expect(batchExpiresAt(policy, at("2026-12-31T23:59:59.999Z"))).toBe("2027-12-31T23:59:59.999Z");
  });

  it("none and inactivity: batches do not expire on their own; inactivity has a deadline", () => {
    expect(batchExpiresAt({ kind: "none" }, at("2026-01-01T00:00:00Z"))).toBeUndefined();
    expect(batchExpiresAt({ kind: "inactivity", days: 90 }, at("2026-01-01T00:00:00Z"))).toBeUndefined();
    expect(inactivityDueAt({ kind: "inactivity", days: 90 }, at("2026-01-01T00:00:00Z"))).toBe(
      "2026-04-01T00:00:00.000Z",
    );
    expect(inactivityDueAt({ kind: "rolling", days: 90 }, at("2026-01-01T00:00:00Z"))).toBeUndefined();
  });
});

describe("reminder steps", () => {
  const now = at("2026-01-01T00:00:00Z");
  it.each([
    ["2026-01-20T00:00:00Z", undefined],
    ["2026-01-15T00:00:00Z", 14],
    ["2026-01-05T00:00:00Z", 14],
    ["2026-01-04T00:00:00Z", 3],
    ["2026-01-01T12:00:00Z", 3],
    ["2025-12-31T00:00:00Z", undefined],
  ])("due %s → step %s", (dueAt, step) => {
    expect(reminderStep(dueAt, now, [14, 3])).toBe(step);
  });
});

import { describe, expect, it } from "vitest";
import { type Alert, type AlertDeps, type AlertRules, evaluateEntry } from "../../../shared/alerts/rules.ts";
import type { LedgerEntry } from "../../../shared/model.ts";

/** In-memory counters and alerts with the store's conditional semantics; the clock is injected. */
function fakeDeps(now = new Date("2026-03-10T12:00:00Z")) {
  const counters = new Map<string, string[]>();
  const alerts = new Map<string, Alert>();
  const deps: AlertDeps = {
    countOnce: async (key, entry, cap) => {
      const id = `${key.merchantId}|${key.rule}|${key.subjectKey}|${key.windowStart}`;
      const ids = counters.get(id) ?? [];
      if (!ids.includes(entry.id) && ids.length < cap) ids.push(entry.id);
      counters.set(id, ids);
      return ids.map((i) => ({ ...entry, id: i }));
    },
    createOnce: async (alert) => {
      if (alerts.has(alert.id)) return false;
      alerts.set(alert.id, alert);
      return true;
    },
    now: () => now,
  };
  return { deps, alerts, counters };
}

type EntryFields = Pick<
  LedgerEntry,
  "id" | "merchantId" | "customerId" | "type" | "points" | "staffId" | "locationId" | "createdAt"
>;
const entry = (n: number, fields: Partial<EntryFields> = {}): EntryFields => ({
  id: `ent_${n}`,
  merchantId: "m1",
  customerId: "cus_1",
  type: "purchase",
  points: 10,
  staffId: "stf_1",
  createdAt: `2026-03-10T10:${String(n).padStart(2, "0")}:00.000Z`,
  ...fields,
});

async function run(deps: AlertDeps, rules: AlertRules, entries: EntryFields[]) {
  const created: Alert[] = [];
  for (const e of entries) created.push(...(await evaluateEntry(deps, rules, e)));
  return created;
}

describe("fraud rules fire once per window", () => {
  it("customerEarnsPerDay: N earns make none, N+1 and N+2 make one, the next day a new one", async () => {
    const { deps, alerts } = fakeDeps();
    const rules = { customerEarnsPerDay: 3 };
    expect(
      await run(
        deps,
        rules,
        [1, 2, 3].map((n) => entry(n)),
      ),
    ).toEqual([]);
    const created = await run(deps, rules, [entry(4), entry(5, { type: "visit" })]);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      rule: "customerEarnsPerDay",
      subject: { customerId: "cus_1" },
      window: { start: "2026-03-10T00:00:00.000Z", end: "2026-03-11T00:00:00.000Z" },
      threshold: 3,
      observed: 4,
    });
    expect(created[0]?.entries.map((e) => e.id)).toEqual(["ent_1", "ent_2", "ent_3", "ent_4"]);
    const nextDay = [1, 2, 3, 4].map((n) => entry(100 + n, { createdAt: `2026-03-11T08:0${n}:00.000Z` }));
    const later = await run(deps, rules, nextDay);
    expect(later).toHaveLength(1);
    expect(later[0]?.window.start).toBe("2026-03-11T00:00:00.000Z");
    expect(alerts.size).toBe(2);
  });

  it("customerEarnsPerDay counts earns only, per customer", async () => {
    const { deps } = fakeDeps();
    const rules = { customerEarnsPerDay: 1 };
    const created = await run(deps, rules, [
      entry(1),
      entry(2, { type: "manual" }),
      entry(3, { type: "redemption", points: -5 }),
      entry(4, { customerId: "cus_2" }),
    ]);
    expect(created).toEqual([]);
  });

  it("a replayed stream record counts once", async () => {
    const { deps, counters } = fakeDeps();
    const rules = { customerEarnsPerDay: 2 };
    const first = entry(1);
    expect(await run(deps, rules, [first, first, first, entry(2)])).toEqual([]);
    expect([...counters.values()][0]).toEqual(["ent_1", "ent_2"]);
    const created = await run(deps, rules, [entry(3), entry(3)]);
    expect(created).toHaveLength(1);
  });

  it("staffEntriesPerHour: one alert per staff member and hour, expiry entries ignored", async () => {
    const { deps } = fakeDeps();
    const rules = { staffEntriesPerHour: 2 };
    const created = await run(deps, rules, [
      entry(1, { customerId: "a" }),
      entry(2, { customerId: "b", type: "manual" }),
      entry(3, { customerId: "c", type: "expiry", staffId: undefined }),
      entry(4, { customerId: "d", type: "redemption" }),
      entry(5, { customerId: "e" }),
      entry(6, { customerId: "f", staffId: "stf_2" }),
      entry(7, { createdAt: "2026-03-10T11:00:00.000Z" }),
      entry(8, { createdAt: "2026-03-10T11:01:00.000Z" }),
      entry(9, { createdAt: "2026-03-10T11:02:00.000Z" }),
    ]);
    expect(created.map((a) => [a.rule, a.subject, a.window.start, a.entries.map((e) => e.id)])).toEqual([
      ["staffEntriesPerHour", { staffId: "stf_1" }, "2026-03-10T10:00:00.000Z", ["ent_1", "ent_2", "ent_4"]],
      ["staffEntriesPerHour", { staffId: "stf_1" }, "2026-03-10T11:00:00.000Z", ["ent_7", "ent_8", "ent_9"]],
    ]);
  });

  it("manualPointsAbove: a manual entry over the limit, either sign, once even when replayed", async () => {
    const { deps } = fakeDeps();
    const rules = { manualPointsAbove: 500 };
    const big = entry(1, { type: "manual", points: 501 });
    const created = await run(deps, rules, [
      entry(2, { type: "manual", points: 500 }),
      entry(3, { type: "purchase", points: 9_000 }),
      big,
      big,
      entry(4, { type: "manual", points: -800 }),
    ]);
    expect(created.map((a) => [a.rule, a.subject, a.observed, a.entries.map((e) => e.id)])).toEqual([
      ["manualPointsAbove", { staffId: "stf_1" }, 501, ["ent_1"]],
      ["manualPointsAbove", { staffId: "stf_1" }, 800, ["ent_4"]],
    ]);
  });

  it("earnsOutsideHoursPerDay: earns the location says were outside its hours, per location and day", async () => {
    const { deps } = fakeDeps();
    const outside = new Set(["ent_2", "ent_3", "ent_4", "ent_5"]);
    deps.outsideHours = async (e) => outside.has(e.id);
    const rules = { earnsOutsideHoursPerDay: 1 };
    const created = await run(deps, rules, [
      entry(1, { locationId: "loc_a" }),
      entry(2, { locationId: "loc_a" }),
      entry(3, { locationId: "loc_b" }),
      entry(4, { locationId: "loc_a", type: "manual" }),
      entry(5, { locationId: "loc_a" }),
      entry(6, { locationId: "loc_a" }),
    ]);
    expect(created.map((a) => [a.rule, a.subject, a.entries.map((e) => e.id)])).toEqual([
      ["earnsOutsideHoursPerDay", { locationId: "loc_a" }, ["ent_2", "ent_5"]],
    ]);
  });

  it("no rules, no counting", async () => {
    const { deps, counters } = fakeDeps();
    expect(await run(deps, {}, [entry(1), entry(2)])).toEqual([]);
    expect(await evaluateEntry(deps, undefined, entry(3))).toEqual([]);
    expect(counters.size).toBe(0);
  });
});

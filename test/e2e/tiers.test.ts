import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asCustomer, portalTokenFor } from "../support/portal.ts";
import {
  expectFieldProblem,
  type LoyaltyApi,
  type LoyaltyStack,
  PARIS,
  startLoyaltyStack,
} from "../support/rewards-fixtures.ts";
import type { TestStack } from "../support/test-stack.ts";

let loyalty: LoyaltyStack;
let stack: TestStack;
let api: LoyaltyApi;
let alice: string;
let mallory: string;

const TIERS = {
  window: { kind: "rolling", months: 12 },
  levels: [
    { name: "Bronze", threshold: 0, multiplier: "1" },
    { name: "Silver", threshold: 50, multiplier: "1.25" },
    { name: "Gold", threshold: 150, multiplier: "1.5" },
  ],
};

beforeAll(async () => {
  loyalty = await startLoyaltyStack({ issuer: false });
  ({ stack, api, alice, mallory } = loyalty);
});
afterAll(() => loyalty?.close());

describe("VIP tiers through the API", () => {
  it("saves tiers as a new program version, refuses bad tiers naming the field, and is scoped to the merchant", async () => {
    const current = (await api.program()).body.program;
    expect(current.tiers).toBeNull();
    const settings = { name: current.name, rule: current.rule, expiry: current.expiry };
    for (const [levels, field] of [
      [[{ name: "Bronze", threshold: 10, multiplier: "1" }], "tiers.levels.0.threshold"],
      [[TIERS.levels[0], { name: "Silver", threshold: 0, multiplier: "1.5" }], "tiers.levels.1.threshold"],
      [[{ name: "Bronze", threshold: 0, multiplier: "1.234" }], "tiers.levels.0.multiplier"],
      [[{ name: "Bronze", threshold: 0, multiplier: "1", entryReward: 10 }], "tiers.levels.0.entryReward"],
      [
        [TIERS.levels[0], { name: "Silver", threshold: 50, multiplier: "1", entryReward: -1 }],
        "tiers.levels.1.entryReward",
      ],
      [
        [TIERS.levels[0], { name: "Silver", threshold: 50, multiplier: "1", entryReward: 2.5 }],
        "tiers.levels.1.entryReward",
      ],
    ] as const) {
      expectFieldProblem(await api.saveProgram({ ...settings, tiers: { ...TIERS, levels } }), field);
    }
    expect((await api.program()).body.program.version).toBe(current.version);

    // Another merchant can neither read nor change it.
    expect((await api.program(mallory)).status).toBe(404);
    expect((await api.saveProgram({ ...settings, tiers: TIERS }, mallory)).status).toBe(404);
    expect((await api.program()).body.program.version).toBe(current.version);

    const saved = await api.saveProgram({ ...settings, tiers: TIERS });
    expect(saved.status).toBe(200);
    expect(saved.body.program).toMatchObject({ version: current.version + 1, tiers: TIERS });
    expect((await api.program()).body.program.tiers).toEqual(TIERS);
  });

  it("promotes on the earn that qualifies, multiplies the next ones, and shows the tier to staff and member", async () => {
    const { customerId } = await api.customerWith(0);
    await api.purchase(customerId, "49.00");
    const promoting = (await api.purchase(customerId, "1.00")).body.transaction;
    const gold = (await api.purchase(customerId, "23.40")).body.transaction;
    expect(gold.points).toBe(29);
    expect(gold.explanation).toBe(
      "23.40 EUR × 1 point per 1.00 EUR × 1.25 (Silver) = 29.25, rounded down → 29 points",
    );
    const entries = await api.entries(customerId);
    const change = entries.find((e) => e.type === "tier_change");
    expect(change).toMatchObject({ points: 0, refs: { entryId: promoting.id } });

    const staffView = await stack.call("GET", `/v1/customers/${customerId}`, { token: alice });
    expect(staffView.status).toBe(200);
    expect(staffView.body.tiers).toEqual([
      expect.objectContaining({
        programId: PARIS.programId,
        tier: "Silver",
        multiplier: "1.25",
        qualifyingPoints: 79,
        next: { tier: "Gold", threshold: 150, pointsNeeded: 71 },
      }),
    ]);
    expect(staffView.body.tiers[0].keptUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const token = await portalTokenFor(stack, customerId);
    const me = await asCustomer(stack, token, "GET", "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.tiers).toEqual(staffView.body.tiers);

    const verdict = await stack.call("GET", `/v1/customers/${customerId}/ledger/verify`, { token: alice });
    expect(verdict.body).toMatchObject({ valid: true });
    // Another merchant cannot see this customer or their tier.
    expect((await stack.call("GET", `/v1/customers/${customerId}`, { token: mallory })).status).toBe(404);
  });
});

import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { TestStack } from "./test-stack.ts";

/** Bronze from 0, then the levels given, over a rolling 12 months: what the wallet and portal tests set. */
export const twelveMonthTiers = (levels: Array<{ name: string; threshold: number; multiplier: string }>) => ({
  window: { kind: "rolling", months: 12 },
  levels: [{ name: "Bronze", threshold: 0, multiplier: "1" }, ...levels],
});

/** Gives a demo program tiers through the API (PUT /v1/programs/{id}), keeping the rest of its settings. */
export async function setProgramTiers(stack: TestStack, token: string, programId: string, tiers: unknown) {
  const current = (await stack.call("GET", `/v1/programs/${programId}`, { token })).body.program;
  const saved = await stack.call("PUT", `/v1/programs/${programId}`, {
    token,
    headers: { "idempotency-key": randomUUID() },
    body: { name: current.name, rule: current.rule, expiry: current.expiry, tiers },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

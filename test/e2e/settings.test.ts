import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

it("switches Moments and sets the default expiry; staff may not; another merchant sees its own", async () => {
  const alice = await stack.token("alice");
  const before = await stack.call("GET", "/v1/settings", { token: alice });
  expect(before.body.settings).toMatchObject({
    id: "demo",
    expiry: { kind: "rolling", days: 365 },
    moments: { points_earned: true },
  });
  const changed = await stack.call("PATCH", "/v1/settings", {
    token: alice,
    body: { moments: { points_earned: false }, expiry: { kind: "inactivity", days: 180 } },
  });
  expect(changed.status).toBe(200);
  expect(changed.body.settings).toMatchObject({
    expiry: { kind: "inactivity", days: 180 },
    moments: { points_earned: false, points_expiring: true },
  });
  expect((await stack.call("GET", "/v1/settings", { token: alice })).body.settings).toEqual(
    changed.body.settings,
  );

  expect(
    (await stack.call("PATCH", "/v1/settings", { token: alice, body: { moments: { coffee: true } } })).status,
  ).toBe(400);
  expect((await stack.call("PATCH", "/v1/settings", { token: alice, body: {} })).status).toBe(400);
  expect((await stack.call("GET", "/v1/settings", { token: await stack.token("bob") })).status).toBe(403);
  const other = await stack.call("GET", "/v1/settings", { token: await stack.token("mallory") });
  expect(other.body.settings).toMatchObject({ id: "other", moments: { points_earned: true } });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { systemClock } from "../../shared/clock.ts";
import { requestCard } from "../../shared/customers/card-request.ts";
import { joinMerchant } from "../../shared/customers/join.ts";
import { JOIN_LIMITS } from "../../shared/customers/join-limits.ts";
import { RateLimited } from "../../shared/errors.ts";
import { idempotencyFrom } from "../../shared/idempotency.ts";
import { runtimeKeyBackend } from "../../shared/keys/key-backend.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * Issue 15 point 2: public join and card requests are limited per source address and per contact, in
 * windows both routes share, so the difference between "joined" and "sent" cannot be used to sweep addresses.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

const joinCall = (email: string) =>
  stack.call("POST", `/v1/join/${DEMO.merchantId}`, {
    body: { name: "Rae Limit", email, locale: "en", consents: { transactional: false, marketing: false } },
    headers: { "idempotency-key": randomUUID() },
  });
const cardCall = (email: string) =>
  stack.call("POST", `/v1/join/${DEMO.merchantId}/card`, { body: { email } });

// Half past the current hour, fixed: the windows are whole hours, and a test must not straddle two.
const halfPast = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 1_800_000);
const clock = () => halfPast;

/** The domain as the handlers call it, from a source address of the test's choosing. */
const deps = () => ({
  db: stack.db,
  clock,
  backend: runtimeKeyBackend(stack.db, systemClock),
  channels: {},
  apiBaseUrl: stack.baseUrl,
  minAnswerMs: 0,
});

describe("rate limits", () => {
  it(`allow ${JOIN_LIMITS.perContactPerHour} join and card requests an hour per address, then answer 429 with Retry-After`, async () => {
    const email = unique("limited");
    const first = await joinCall(email);
    expect(first.status).toBe(201);
    // Joining again and asking for the card count against the same address.
    const answers = [
      await joinCall(email),
      await cardCall(email),
      await cardCall(email),
      await joinCall(email),
    ];
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const refused = [await cardCall(email), await joinCall(` ${email.toUpperCase()}`)];
    for (const response of refused) {
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(3600);
    }
    // Another address is not held back by this one.
    expect((await cardCall(unique("other"))).status).toBe(202);
  }, 60_000);

  it(`allow ${JOIN_LIMITS.perIpPerHour} requests an hour per source address, join and card alike`, async () => {
    const sourceIp = "198.51.100.7";
    for (let i = 0; i < JOIN_LIMITS.perIpPerHour; i++) {
      await requestCard(deps(), { merchantId: DEMO.merchantId, email: unique(`sweep${i}`), sourceIp });
    }
    await expect(
      requestCard(deps(), { merchantId: DEMO.merchantId, email: unique("one-more"), sourceIp }),
    ).rejects.toBeInstanceOf(RateLimited);
    const body = {
      name: "Sam Sweep",
      email: unique("join"),
      locale: "en" as const,
      consents: { transactional: false, marketing: false },
    };
    await expect(
      joinMerchant(
        deps(),
        { merchantId: DEMO.merchantId, ...body, sourceIp },
        idempotencyFrom(randomUUID(), "join.create", body),
      ),
    ).rejects.toBeInstanceOf(RateLimited);
    // Another source address still joins.
    const joined = await joinMerchant(
      deps(),
      { merchantId: DEMO.merchantId, ...body, sourceIp: "198.51.100.8" },
      idempotencyFrom(randomUUID(), "join.create", body),
    );
    expect(joined.result.status).toBe("joined");
  }, 60_000);
});

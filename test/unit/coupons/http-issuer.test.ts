import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorResponse } from "../../../functions/http/problem.ts";
import { httpIssuer } from "../../../shared/coupons/http-issuer.ts";
import type { CouponIssuer, CouponRef } from "../../../shared/coupons/issuer.ts";
import { DomainError, UnavailableError } from "../../../shared/errors.ts";
import { type FakeCouponIssuer, startFakeCouponIssuer } from "../../support/fake-coupon-issuer.ts";

const TIMEOUT_MS = 300;
let fake: FakeCouponIssuer;
let issuer: CouponIssuer;
let n = 0;

beforeAll(async () => {
  fake = await startFakeCouponIssuer();
  // A trailing slash on the configured URL must not double up.
  issuer = httpIssuer({ baseUrl: `${fake.url}/`, timeoutMs: TIMEOUT_MS });
});
afterAll(() => fake.close());

const coupon = (): CouponRef => ({ merchantId: "m", redemptionId: `rdm_${++n}`, code: `CODE${n}` });
const create = (ref: CouponRef) =>
  issuer.create({ ...ref, rewardName: "Free coffee", discount: { kind: "percentage", percent: 10 } });

/** One call of each kind, for a coupon that exists at the issuer unless the call is the create. */
async function callOf(method: "POST" | "GET" | "DELETE") {
  const ref = coupon();
  if (method !== "POST") await create(ref);
  return { POST: () => create(ref), GET: () => issuer.status(ref), DELETE: () => issuer.revoke(ref) }[method];
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("the HTTP coupon issuer", () => {
  it("creates a coupon with our code and reference, tracked unless the shop says otherwise", async () => {
    const ref = coupon();
    expect(await create(ref)).toEqual({ tracked: true });
    expect(fake.coupons.get(ref.code)).toMatchObject({
      reference: ref.redemptionId,
      merchantId: "m",
      status: "active",
    });
    expect(fake.calls.at(-1)).toBe("POST /codes");
    fake.untracked = true;
    try {
      expect(await create(coupon())).toEqual({ tracked: false });
    } finally {
      fake.untracked = false;
    }
  });

  it("reports the coupon's state; a code the shop no longer knows is revoked", async () => {
    const ref = coupon();
    await create(ref);
    expect(await issuer.status(ref)).toBe("active");
    const stored = fake.coupons.get(ref.code);
    if (stored) stored.status = "used";
    expect(await issuer.status(ref)).toBe("used");
    expect(await issuer.status(coupon())).toBe("revoked");
  });

  it("revokes idempotently: revoked, then already gone is still revoked; a used code says used", async () => {
    const ref = coupon();
    await create(ref);
    expect(await issuer.revoke(ref)).toBe("revoked");
    expect(fake.coupons.get(ref.code)?.status).toBe("revoked");
    expect(await issuer.revoke(ref)).toBe("revoked");
    expect(fake.calls.slice(-2)).toEqual([`DELETE /codes/${ref.code}`, `DELETE /codes/${ref.code}`]);
    const used = coupon();
    await create(used);
    const stored = fake.coupons.get(used.code);
    if (stored) stored.status = "used";
    expect(await issuer.revoke(used)).toBe("used");
    expect(fake.coupons.get(used.code)?.status).toBe("used");
  });

  it.each(["POST", "GET", "DELETE"] as const)(
    "%s: an error answer is a 502 problem, retryable",
    async (method) => {
      const call = await callOf(method);
      fake.fail(method, "error");
      const error = await failure(call());
      expect(error.kind).toBe("bad-gateway");
      expect(error.details).toEqual({ issuerStatus: 500 });
      expect(JSON.parse(errorResponse(error, "r").body ?? "{}")).toMatchObject({ status: 502 });
      // The next call goes through: nothing stuck.
      expect(await call()).toBeDefined();
    },
  );

  it.each(["POST", "GET", "DELETE"] as const)(
    "%s: no answer within the timeout is a 503 with Retry-After",
    async (method) => {
      const call = await callOf(method);
      fake.fail(method, "timeout");
      const started = Date.now();
      const error = await failure(call());
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
      expect(error).toBeInstanceOf(UnavailableError);
      const response = errorResponse(error, "r");
      expect(response.statusCode).toBe(503);
      expect(response.headers?.["retry-after"]).toBe("5");
    },
  );

  it("answers an unreachable issuer with a 502, and an unusable status with a 502", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = httpIssuer({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: TIMEOUT_MS });
    expect((await failure(nowhere.status(coupon()))).kind).toBe("bad-gateway");

    const odd = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "maybe" }));
    });
    await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
    const oddIssuer = httpIssuer({
      baseUrl: `http://127.0.0.1:${(odd.address() as AddressInfo).port}/api/v2`,
      timeoutMs: TIMEOUT_MS,
    });
    try {
      expect((await failure(oddIssuer.status(coupon()))).kind).toBe("bad-gateway");
    } finally {
      odd.closeAllConnections();
      await new Promise<void>((resolve) => odd.close(() => resolve()));
    }
  });

  it("escapes the code in the path", async () => {
    const ref = { ...coupon(), code: "A/B?C" };
    expect(await issuer.status(ref)).toBe("revoked");
    expect(fake.calls.at(-1)).toBe("GET /codes/A%2FB%3FC");
  });
});

import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { type FakeCouponIssuer, startFakeCouponIssuer } from "./fake-coupon-issuer.ts";
import { type CallResult, startTestStack, type TestStack } from "./test-stack.ts";

/** The demo purchase program (1 point per 1.00 EUR, rounded down) and its location. */
export const PARIS = { locationId: "paris-01", programId: "prog_paris-01" } as const;

export interface CallerOptions {
  /** The caller's token; alice's by default. */
  token?: string;
  /** The Idempotency-Key; a fresh one by default, none at all with null. */
  key?: string | null;
}

/** API calls the rewards, redemption and return tests share. */
export function loyaltyApi(stack: TestStack, alice: string) {
  const write = (path: string, body: unknown, options: CallerOptions = {}) => {
    const key = options.key === undefined ? randomUUID() : options.key;
    return stack.call("POST", path, {
      token: options.token ?? alice,
      body,
      headers: key === null ? {} : { "idempotency-key": key },
    });
  };

  const api = {
    /** A new customer with exactly `points` points, earned by one purchase at Paris; returns its ids. */
    async customerWith(points: number): Promise<{ customerId: string; purchaseId: string | null }> {
      const enrolled = await write("/v1/customers", { name: `Test ${randomUUID().slice(0, 8)}` });
      expect(enrolled.status).toBe(201);
      const customerId = enrolled.body.customer.id as string;
      if (points === 0) return { customerId, purchaseId: null };
      const earned = await api.purchase(customerId, `${points}.00`);
      expect(earned.body.transaction.points).toBe(points);
      return { customerId, purchaseId: earned.body.transaction.id };
    },

    /** The demo program as it is (GET), e.g. to save it again with one setting changed. */
    program: (token = alice) => stack.call("GET", `/v1/programs/${PARIS.programId}`, { token }),

    /** Saves the demo program (PUT, with a fresh Idempotency-Key); alice by default. */
    saveProgram: (body: unknown, token = alice) =>
      stack.call("PUT", `/v1/programs/${PARIS.programId}`, {
        token,
        body,
        headers: { "idempotency-key": randomUUID() },
      }),

    async purchase(customerId: string, amount: string): Promise<CallResult> {
      const earned = await write("/v1/transactions", {
        customerId,
        locationId: PARIS.locationId,
        type: "purchase",
        amount,
        currency: "EUR",
      });
      expect(earned.status).toBe(201);
      return earned;
    },

    async reward(overrides: Record<string, unknown> = {}) {
      const created = await write("/v1/rewards", {
        programId: PARIS.programId,
        name: "Free coffee",
        points: 100,
        discount: { kind: "free_product", product: "Espresso" },
        ...overrides,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.reward as { id: string; points: number };
    },

    redeem(customerId: string, rewardId: string, options: CallerOptions & { locationId?: string } = {}) {
      const locationId = options.locationId ?? PARIS.locationId;
      return write("/v1/redemptions", { customerId, rewardId, locationId }, options);
    },

    /** A redemption that must succeed; returns its view. */
    async redeemed(customerId: string, rewardId: string) {
      const response = await api.redeem(customerId, rewardId);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.redemption as {
        id: string;
        code: string;
        points: number;
        status: string;
        tracking: string;
      };
    },

    refund: (redemptionId: string, body: Record<string, unknown> = {}, options: CallerOptions = {}) =>
      write(`/v1/redemptions/${redemptionId}/refund`, body, options),

    use(redemptionId: string, options: { token?: string; locationId?: string } = {}) {
      return stack.call("POST", `/v1/redemptions/${redemptionId}/use`, {
        token: options.token ?? alice,
        body: { locationId: options.locationId ?? PARIS.locationId },
      });
    },

    reverse: (transactionId: string, body: Record<string, unknown> = {}, options: CallerOptions = {}) =>
      write(`/v1/transactions/${transactionId}/reverse`, body, options),

    async balance(customerId: string): Promise<number> {
      const customer = await stack.call("GET", `/v1/customers/${customerId}`, { token: alice });
      return customer.body.customer.balance;
    },

    /** Entries newest first. */
    async entries(customerId: string) {
      const ledger = await stack.call("GET", `/v1/customers/${customerId}/ledger?limit=100`, {
        token: alice,
      });
      return ledger.body.entries as {
        id: string;
        type: string;
        points: number;
        balanceAfter: number;
        note: string | null;
        explanation: string;
        shortfall: number | null;
        refs: Record<string, string> | null;
      }[];
    },

    /** The balance, the number of entries, and a chain that verifies: what "nothing was written" compares. */
    async snapshot(customerId: string) {
      const verdict = await stack.call("GET", `/v1/customers/${customerId}/ledger/verify`, { token: alice });
      expect(verdict.body).toMatchObject({ valid: true });
      return { balance: await api.balance(customerId), entries: verdict.body.entries as number };
    },
  };
  return api;
}

export type LoyaltyApi = ReturnType<typeof loyaltyApi>;

/** A 400 problem that names `field`, as every refused input must be. */
export function expectFieldProblem(response: CallResult, field: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

/** Short, so the timeout cases are quick; the handlers read it (and the issuer's URL) per request. */
export const ISSUER_TIMEOUT_MS = 400;

export interface LoyaltyStack {
  stack: TestStack;
  api: LoyaltyApi;
  alice: string;
  bob: string;
  mallory: string;
  /** The shop's discount-code API, faked; absent when the deployment has no external issuer. */
  issuer: FakeCouponIssuer | undefined;
  close(): Promise<void>;
}

/** The local stack with the demo merchant, and the fake external coupon issuer when asked for. */
export async function startLoyaltyStack(options: { issuer: boolean }): Promise<LoyaltyStack> {
  const issuer = options.issuer ? await startFakeCouponIssuer() : undefined;
  if (issuer) {
    process.env.COUPON_ISSUER_URL = issuer.url;
    process.env.COUPON_ISSUER_TIMEOUT_MS = String(ISSUER_TIMEOUT_MS);
  } else {
    delete process.env.COUPON_ISSUER_URL;
  }
  const stack = await startTestStack();
  const [alice, bob, mallory] = await Promise.all([
    stack.token("alice"),
    stack.token("bob"),
    stack.token("mallory"),
  ]);
  return {
    stack,
    api: loyaltyApi(stack, alice),
    alice,
    bob,
    mallory,
    issuer,
    close: async () => {
      await stack.close();
      await issuer?.close();
    },
  };
}

export interface RedemptionStack extends LoyaltyStack {
  issuer: FakeCouponIssuer;
  /** 100-point rewards at Paris: one whose coupons we keep, one whose coupons the fake shop keeps. */
  rewards: { internal: { id: string; points: number }; external: { id: string; points: number } };
}

export async function startRedemptionStack(): Promise<RedemptionStack> {
  const loyalty = await startLoyaltyStack({ issuer: true });
  if (!loyalty.issuer) throw new Error("the fake coupon issuer did not start");
  const internal = await loyalty.api.reward({ name: "Free coffee", points: 100 });
  const external = await loyalty.api.reward({
    name: "5 EUR off online",
    points: 100,
    discount: { kind: "fixed_amount", amount: "5", currency: "EUR" },
    issuer: "external",
  });
  return { ...loyalty, issuer: loyalty.issuer, rewards: { internal, external } };
}

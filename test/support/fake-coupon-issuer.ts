import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeCouponStatus = "active" | "used" | "revoked";

export interface FakeCoupon {
  code: string;
  reference: string;
  merchantId: string;
  status: FakeCouponStatus;
}

/**
 * - "timeout": never answers (until the server closes);
 * - "error": a 500;
 * - "apply-then-timeout": does what was asked, then never answers (the answer is lost on the way back);
 * - "slow": answers normally after 200 ms, so that concurrent requests are all in flight together.
 */
export type Fault = "timeout" | "error" | "apply-then-timeout" | "slow";
type Method = "POST" | "GET" | "DELETE";

export interface FakeCouponIssuer {
  url: string;
  coupons: Map<string, FakeCoupon>;
  /** Every request, in order, as "METHOD /path". */
  calls: string[];
  /** The next `times` requests of this method get this fault. */
  fail(method: Method, fault: Fault, times?: number): void;
  /** Codes created from now on are ones the shop cannot report on (`tracked: false`). */
  untracked: boolean;
  close(): Promise<void>;
}

/**
 * A shop's discount-code API, as `shared/coupons/http-issuer.ts` expects it: revoked codes are gone
 * (404), as on most platforms, and a used code cannot be deleted (409).
 */
export async function startFakeCouponIssuer(): Promise<FakeCouponIssuer> {
  const coupons = new Map<string, FakeCoupon>();
  const calls: string[] = [];
  const faults: Record<Method, Fault[]> = { POST: [], GET: [], DELETE: [] };
  const state = { untracked: false };

  function reply(response: ServerResponse, status: number, body?: unknown) {
    response.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const method = request.method as Method;
    const path = request.url ?? "/";
    calls.push(`${method} ${path}`);
    const fault = faults[method]?.shift();
    if (fault === "timeout") return;
    if (fault === "error") return reply(response, 500, { error: "internal" });
    const hang = fault === "apply-then-timeout";
    if (fault === "slow") await new Promise((resolve) => setTimeout(resolve, 200));

    if (method === "POST" && path === "/codes") {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (coupons.has(body.code)) return reply(response, 409, { error: "code exists" });
      coupons.set(body.code, {
        code: body.code,
        reference: body.reference,
        merchantId: body.merchantId,
        status: "active",
      });
      if (!hang) reply(response, 201, { code: body.code, tracked: !state.untracked });
      return;
    }
    const code = /^\/codes\/([^/]+)$/.exec(path)?.[1];
    const coupon = code ? coupons.get(decodeURIComponent(code)) : undefined;
    if (!coupon || coupon.status === "revoked") return hang ? undefined : reply(response, 404);
    if (method === "GET")
      return hang ? undefined : reply(response, 200, { code: coupon.code, status: coupon.status });
    if (method === "DELETE") {
      if (coupon.status === "used") return hang ? undefined : reply(response, 409, { error: "used" });
      coupon.status = "revoked";
      return hang ? undefined : reply(response, 204);
    }
    reply(response, 405);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => reply(response, 500));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    coupons,
    calls,
    fail: (method, fault, times = 1) => {
      for (let i = 0; i < times; i++) faults[method].push(fault);
    },
    get untracked() {
      return state.untracked;
    },
    set untracked(value: boolean) {
      state.untracked = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

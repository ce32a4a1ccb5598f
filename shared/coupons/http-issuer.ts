import { DomainError, UnavailableError } from "../errors.ts";
import type { CouponIssuer, CouponRef, CouponState } from "./issuer.ts";

/**
 * Coupons in an external commerce platform, e.g. a shop's discount-code API:
 *
 * - `POST /codes` `{code, reference, merchantId, rewardName, discount}` → 2xx `{tracked?: boolean}`;
 *   `tracked: false` means the platform will not report the code's use nor revoke it.
 * - `GET /codes/{code}` → 200 `{status: "active" | "used" | "revoked"}`; 404 or 410: gone.
 * - `DELETE /codes/{code}` → 2xx revoked; 404 or 410: already gone; 409: used, cannot be revoked.
 *
 * Every call is bounded by a timeout. A timeout is a 503 and an error answer a 502: both mean nothing
 * changed on our side, and the client retries with the same Idempotency-Key.
 */
export interface HttpIssuerOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Seconds a client is told to wait before retrying after the issuer timed out. */
const RETRY_AFTER_SECONDS = 5;
const GONE = new Set([404, 410]);
const STATES: readonly CouponState[] = ["active", "used", "revoked"];

export function httpIssuer(options: HttpIssuerOptions): CouponIssuer {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? fetch;

  /** One request and its body read, both under the timeout; the body is JSON or nothing. */
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    try {
      const response = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, json };
    } catch (error) {
      if ((error as { name?: string }).name === "TimeoutError") {
        throw new UnavailableError(
          "The coupon issuer did not answer in time. Nothing was changed; retry with the same Idempotency-Key.",
          RETRY_AFTER_SECONDS,
        );
      }
      throw upstreamFailure("could not be reached");
    }
  }

  const codePath = (coupon: CouponRef) => `/codes/${encodeURIComponent(coupon.code)}`;
  const ok = (status: number) => status >= 200 && status < 300;

  return {
    async create(coupon) {
      const { status, json } = await call("POST", "/codes", {
        code: coupon.code,
        reference: coupon.redemptionId,
        merchantId: coupon.merchantId,
        rewardName: coupon.rewardName,
        discount: coupon.discount,
      });
      if (!ok(status)) throw upstreamFailure(`refused to create the coupon (HTTP ${status})`, status);
      return { tracked: (json as { tracked?: unknown } | undefined)?.tracked !== false };
    },

    async revoke(coupon) {
      const { status } = await call("DELETE", codePath(coupon));
      if (ok(status) || GONE.has(status)) return "revoked";
      if (status === 409) return "used";
      throw upstreamFailure(`refused to revoke the coupon (HTTP ${status})`, status);
    },

    async status(coupon) {
      const { status, json } = await call("GET", codePath(coupon));
      if (GONE.has(status)) return "revoked";
      const state = (json as { status?: unknown } | undefined)?.status;
      if (ok(status) && STATES.includes(state as CouponState)) return state as CouponState;
      throw upstreamFailure(`gave no usable coupon status (HTTP ${status})`, status);
    },
  };
}

function upstreamFailure(what: string, issuerStatus?: number): DomainError {
  return new DomainError(
    "bad-gateway",
    `The coupon issuer ${what}. Nothing was changed; retry with the same Idempotency-Key.`,
    issuerStatus === undefined ? {} : { issuerStatus },
  );
}

import type { Clock } from "../clock.ts";
import type { CouponIssuerKind } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { httpIssuer } from "./http-issuer.ts";
import { internalIssuer } from "./internal-issuer.ts";
import type { CouponIssuer } from "./issuer.ts";

/** Below Lambda's 10 s, with room for a status check and a revoke in one request. */
const DEFAULT_TIMEOUT_MS = 2500;

export type IssuerFor = (kind: CouponIssuerKind) => CouponIssuer;

/** The external issuer's base URL, if this deployment has one (read per call, as the environment says now). */
export function externalIssuerUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.COUPON_ISSUER_URL || undefined;
}

export function issuersFromEnv(
  deps: { db: Db; clock: Clock },
  env: NodeJS.ProcessEnv = process.env,
): IssuerFor {
  return (kind) => {
    if (kind === "internal") return internalIssuer(deps);
    const baseUrl = externalIssuerUrl(env);
    // Rewards can only choose "external" while it is configured; losing it later is a deployment fault.
    if (!baseUrl) throw new Error("COUPON_ISSUER_URL is not set, but a coupon needs the external issuer");
    const timeout = Number(env.COUPON_ISSUER_TIMEOUT_MS);
    return httpIssuer({
      baseUrl,
      timeoutMs: Number.isSafeInteger(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
    });
  };
}

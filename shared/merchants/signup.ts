import { createHash } from "node:crypto";
import { DomainError, forbidden, RateLimited } from "../errors.ts";
import { logger } from "../logger.ts";
import { countRequest, type RateWindow } from "../store/rate-limits.ts";
import {
  createMerchantAccount,
  emailDigest,
  type MerchantAccountDeps,
  type NewMerchantAccount,
} from "./merchant-account.ts";

/** Whether strangers may make merchants (`-c signUp=open` on the stack; SIGN_UP in the function's environment). */
export type SignUpPolicy = "open" | "invite";

export const signUpPolicyFromEnv = (env: NodeJS.ProcessEnv = process.env): SignUpPolicy =>
  env.SIGN_UP === "open" ? "open" : "invite";

/**
 * Per source address: a shop owner signs up once or twice, a script hundreds of times. Per e-mail: each
 * request can send the owner an invitation, so an address is mailed a handful of times a day at most.
 */
export const SIGN_UP_LIMITS = {
  perIpPerHour: 10,
  perEmailPerDay: 3,
} as const;

const digest = (value: string) => createHash("sha256").update(value).digest("hex");

/**
 * A public sign-up. The answer is the same whatever happens to the address — a new merchant, one it
 * had started (its invitation sent again), or an address that already signs in somewhere —, so nobody
 * learns from it whether an address is registered; only the mailbox's owner hears, by e-mail.
 */
export async function signUp(
  deps: MerchantAccountDeps & { policy: SignUpPolicy },
  input: NewMerchantAccount,
  sourceIp: string,
): Promise<void> {
  if (deps.policy !== "open") {
    throw forbidden("Merchants are created by the operator of this service; sign-up is not open.");
  }
  const now = deps.clock();
  const windows: RateWindow[] = [
    { scope: "signup-ip", subject: digest(sourceIp), seconds: 3600, limit: SIGN_UP_LIMITS.perIpPerHour },
    {
      scope: "signup-email",
      subject: emailDigest(input.ownerEmail),
      seconds: 24 * 3600,
      limit: SIGN_UP_LIMITS.perEmailPerDay,
    },
  ];
  for (const window of windows) {
    const retryAfter = await countRequest(deps.db, window, now);
    if (retryAfter !== undefined) throw new RateLimited(retryAfter);
  }
  try {
    await createMerchantAccount(deps, input, "signup");
  } catch (error) {
    // The address signs in elsewhere already: answered like any other sign-up.
    if (error instanceof DomainError && error.kind === "conflict") {
      logger.info("sign-up for an address that already signs in; nothing made");
      return;
    }
    throw error;
  }
}

import { DomainError, forbidden } from "../errors.ts";
import { logger } from "../logger.ts";
import { spendRateLimit } from "../rate-limit.ts";
import type { RateWindow } from "../store/rate-limits.ts";
import {
  createMerchantAccount,
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
    { scope: "signup-ip", subject: [sourceIp], seconds: 3600, limit: SIGN_UP_LIMITS.perIpPerHour },
    {
      scope: "signup-email",
      subject: [input.ownerEmail.toLowerCase()],
      seconds: 24 * 3600,
      limit: SIGN_UP_LIMITS.perEmailPerDay,
    },
  ];
  for (const window of windows) await spendRateLimit(deps.db, window, now);
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

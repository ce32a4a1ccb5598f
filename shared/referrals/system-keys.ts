import type { Idempotency } from "../idempotency.ts";

/** Keys of the writes the system makes for a referral: a space sets them apart from any client's key. */
export const systemKey = (referralId: string, what: string): Idempotency => ({
  key: `referral ${referralId} ${what}`,
  fingerprint: `referral.${what}`,
});

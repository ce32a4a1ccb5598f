import { RateLimited } from "./errors.ts";
import type { Db } from "./store/db/client.ts";
import { countRequest, type RateWindow } from "./store/rate-limits.ts";

/** Counts one request in its window, or refuses it (429, Retry-After until the window ends) once spent. */
export async function spendRateLimit(db: Db, window: RateWindow, now: Date): Promise<void> {
  const retryAfter = await countRequest(db, window, now);
  if (retryAfter !== undefined) throw new RateLimited(retryAfter);
}

import type { Clock } from "../shared/clock.ts";
import type { PassMessageResult } from "../shared/notifications/wallet-message.ts";
import type { Db } from "../shared/store/db/client.ts";
import { readPass, takeNotifySlot } from "../shared/store/passes.ts";
import { decideNotify } from "./google/notify-quota.ts";
import type { GoogleWalletClient } from "./google/wallet-client.ts";
import { googleIds } from "./member-pass.ts";

export interface PassMessageDeps {
  db: Db;
  clock: Clock;
  google: { issuerId: string; client: () => Promise<GoogleWalletClient> };
}

/**
 * A message on the member's Google pass, for news that changes nothing the pass shows (a reminder, a
 * rejected claim). It notifies while the pass has notifying updates left in Google's quota (3 per 24 h,
 * shared with the balance updates of passes/pass-delivery.ts), and arrives silently otherwise. The slot is
 * taken before sending, so two senders cannot both spend the last one.
 */
export async function addGooglePassMessage(
  deps: PassMessageDeps,
  serialNumber: string,
  message: { id: string; header: string; body: string },
): Promise<PassMessageResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const pass = await readPass(deps.db, serialNumber, true);
    if (!pass?.googleObjectAt) return "no_pass";
    const decision = decideNotify(pass.googleNotifiedAt ?? [], deps.clock());
    if (
      decision.notify &&
      !(await takeNotifySlot(deps.db, serialNumber, pass.googleNotifiedAt, decision.keep))
    ) {
      continue;
    }
    const client = await deps.google.client();
    const { objectId } = googleIds(deps.google.issuerId, pass.merchantId, serialNumber);
    await client.addMessage(objectId, message, { notify: decision.notify });
    return decision.notify ? "notified" : "silent";
  }
  throw new Error(`the notification quota of pass ${serialNumber} kept changing`);
}

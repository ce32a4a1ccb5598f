import type { Customer } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { listPassDevices } from "../store/pass-devices.ts";
import { type EmailReach, emailBounced, emailReach } from "./email-status.ts";

export interface Reachability {
  email: EmailReach;
  /** Devices that registered the Apple pass for updates: each one shows balance changes. */
  appleWalletDevices: number;
  /**
   * False when no channel works: no usable email and no Apple device. Google Wallet is not counted: a
   * Google pass object exists for every member, and Google does not tell us whether it was saved.
   */
  reachable: boolean;
}

/** Whether notifications can reach the customer, so staff can ask for up-to-date details. */
export async function customerReachability(db: Db, customer: Customer): Promise<Reachability> {
  const [bounced, devices] = await Promise.all([
    emailBounced(db, customer),
    listPassDevices(db, customer.passSerial),
  ]);
  const email = emailReach(customer, bounced);
  return { email, appleWalletDevices: devices.length, reachable: email === "ok" || devices.length > 0 };
}

import { type Held, held } from "../ledger/lots.ts";
import type { Customer } from "../model.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { readLots } from "../store/ledger/lots.ts";

const ATTEMPTS = 3;

/**
 * What is left of each of the customer's lots (all of them, or those up to and including `through`), with
 * the profile's `spent` charged in expiry order (shared/ledger/lots.ts).
 */
export async function heldLots(
  db: Db,
  merchantId: string,
  customerId: string,
  through?: string,
): Promise<Held[]> {
  const { customer, lots } = await lotsAsOfProfile(db, merchantId, customerId, () =>
    readLots(db, merchantId, customerId, through ? { through } : {}),
  );
  return held(lots, customer?.spent ?? 0);
}

/**
 * Lots (as `read` reads them) and the profile they go with. For reading only: the profile is read before
 * and after the lots, and every change to the lots moves its seq or its `spent`, so the two agree unless a
 * write came in between (then read again, a few times at most).
 */
export async function lotsAsOfProfile<T>(
  db: Db,
  merchantId: string,
  customerId: string,
  read: () => Promise<T>,
): Promise<{ customer: Customer | undefined; lots: T }> {
  let customer = await readCustomer(db, merchantId, customerId);
  for (let attempt = 1; ; attempt++) {
    const lots = await read();
    const after = await readCustomer(db, merchantId, customerId);
    const agree = after?.seq === customer?.seq && after?.spent === customer?.spent;
    if (agree || attempt === ATTEMPTS) return { customer: after, lots };
    customer = after;
  }
}

/** What is left of one lot. */
export async function pointsLeftIn(db: Db, merchantId: string, customerId: string, key: string) {
  const lots = await heldLots(db, merchantId, customerId, key);
  return lots.find((h) => h.lot.key === key)?.left ?? 0;
}

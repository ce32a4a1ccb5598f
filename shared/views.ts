import type { Customer, LedgerEntry } from "./model.ts";

/** What clients see of stored records: explicit fields only, never storage keys or secrets like the pass token. */

export function customerView(customer: Customer) {
  return {
    id: customer.id,
    name: customer.name,
    phone: customer.phone ?? null,
    email: customer.email ?? null,
    locale: customer.locale,
    marketingConsent: customer.marketingConsent ?? false,
    // Set by the public join page only (shared/customers/join.ts): null for members enrolled by staff.
    transactionalConsent: customer.transactionalConsent ?? null,
    joinedLocationId: customer.joinedLocationId ?? null,
    // Only on an erased member: the profile then keeps its id, balance and barcode, and no personal data.
    ...(customer.erasedAt ? { erasedAt: customer.erasedAt } : {}),
    balance: customer.balance,
    barcode: customer.barcode,
    // The member's own code for friends to join with (shared/referrals/); null for members enrolled before.
    referralCode: customer.referralCode ?? null,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}

export function entryView(entry: LedgerEntry) {
  return {
    id: entry.id,
    customerId: entry.customerId,
    seq: entry.seq,
    type: entry.type,
    points: entry.points,
    balanceAfter: entry.balanceAfter,
    locationId: entry.locationId ?? null,
    staffId: entry.staffId ?? null,
    programId: entry.programId ?? null,
    programVersion: entry.programVersion ?? null,
    inputs: entry.inputs,
    explanation: entry.explanation,
    reason: entry.reason ?? null,
    note: entry.note ?? null,
    shortfall: entry.shortfall ?? null,
    occurredAt: entry.occurredAt ?? null,
    refs: entry.refs ?? null,
    createdAt: entry.createdAt,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

export type CustomerView = ReturnType<typeof customerView>;
export type EntryView = ReturnType<typeof entryView>;

/** A ledger entry as a write returns it: the entry, with a purchase's amount and currency at the top. */
export function transactionView(entry: LedgerEntry) {
  return {
    ...entryView(entry),
    amount: entry.inputs.amount ?? null,
    currency: entry.inputs.currency ?? null,
  };
}

export type TransactionView = ReturnType<typeof transactionView>;

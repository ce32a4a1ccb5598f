import type { Permission } from "./auth/permissions.ts";
import type { EarnRule } from "./programs/rules.ts";

/** The shapes stored in the table and returned by the domain, without their storage keys. */

export interface Merchant {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2; the default region for phone numbers. */
  country: string;
  currency: string;
  /** The merchant's own choice of permissions per role; roles not listed keep the defaults. */
  rolePermissions?: Partial<Record<Role, Permission[]>>;
  createdAt: string;
}

export interface Location {
  merchantId: string;
  id: string;
  name: string;
  programId: string;
  createdAt: string;
}

export interface Program {
  merchantId: string;
  id: string;
  name: string;
  /** Bumped on every change; entries record the version they were computed with. */
  version: number;
  rule: EarnRule;
  updatedAt: string;
}

export type Role = "owner" | "manager" | "staff";

export interface Staff {
  merchantId: string;
  id: string;
  name: string;
  role: Role;
  /** Locations this person may act at; "*" for all of the merchant's locations. */
  locationIds: string[] | "*";
  active: boolean;
  createdAt: string;
}

export interface Customer {
  merchantId: string;
  id: string;
  name: string;
  phone?: string;
  email?: string;
  locale: "fr" | "en";
  barcode: string;
  passSerial: string;
  passToken: string;
  balance: number;
  /** Number of ledger entries; the next entry gets seq + 1. Guards every write to the balance. */
  seq: number;
  /** Hash of the newest entry (the chain head). */
  headHash: string;
  /** Last visit per program id, for the minimum interval between visits. */
  lastVisits: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/**
 * purchase, visit: earned at a till. manual: issued or deducted by hand. redemption: spent on a reward.
 * refund: points given back when a redemption is cancelled. reversal: points taken back after a purchase
 * return. expiry: points that expired.
 */
export type EntryType = "purchase" | "visit" | "manual" | "redemption" | "refund" | "reversal" | "expiry";

/** Entries never change; a correction is a new entry pointing at what it corrects. */
export interface EntryRefs {
  entryId?: string;
  redemptionId?: string;
  claimId?: string;
}

export interface LedgerEntry {
  id: string;
  merchantId: string;
  customerId: string;
  seq: number;
  type: EntryType;
  /** Signed integer change of the balance. */
  points: number;
  balanceAfter: number;
  locationId?: string;
  staffId?: string;
  programId?: string;
  programVersion?: number;
  /** What the computation started from, as the client sent it (e.g. amount and currency). */
  inputs: Record<string, string>;
  /** The rule as it stood when the points were computed, so the explanation stays provable. */
  rule?: EarnRule;
  /** Exact value before rounding. */
  raw?: string;
  explanation: string;
  /** Why a person changed the balance by hand, from a fixed list, and their free-text note. */
  reason?: string;
  note?: string;
  /** When what the entry records happened, if not when it was written (e.g. a visit credited later). */
  occurredAt?: string;
  refs?: EntryRefs;
  createdAt: string;
  prevHash: string;
  hash: string;
}

import type { Locale } from "../../shared/ledger/entry-types.ts";
import type { PassTier } from "../tier-text.ts";

/** A pass is in its member's language. */
export type PassLocale = Locale;

/** Everything a member's Apple pass shows, already resolved by the caller. */
export interface ApplePassView {
  serialNumber: string;
  /** At least 16 characters; it cannot change once the pass is issued. */
  authenticationToken: string;
  /** QR message, shown again as its alternative text. */
  barcode: string;
  locale: PassLocale;
  /** The merchant's name. */
  organizationName: string;
  description: string;
  /** Each as "rgb(r,g,b)", the only colour syntax Wallet documents. */
  colors: { background: string; foreground: string; label: string };
  /** The merchant's logo; the template's when absent. */
  logoPng?: Buffer;
  memberName: string;
  /** Integer points. */
  balance: number;
  nextReward?: { name: string; cost: number };
  /** `date` is an ISO date. */
  nextExpiry?: { points: number; date: string };
  /** The member's VIP standings (GET /v1/me's `tiers`); absent or empty: the merchant has no tiers. */
  tiers?: PassTier[];
  /** The five most recent are shown; explanations already in the pass's language. */
  recentEntries: Array<{ createdAt: string; points: number; explanation: string }>;
  /** The rules, in the pass's language. */
  howPointsAreComputed: string;
  contact?: { phone?: string; email?: string; website?: string };
  portalUrl?: string;
  /** The member's data was erased: Wallet shows the pass as void and it can no longer be used. */
  voided?: true;
  /** ISO time of the pass's last change, as its Last-Modified says it (never later than the response). */
  updatedAt: string;
}

import { notFound } from "../errors.ts";
import { describeRule, type Locale } from "../ledger/entry-types.ts";
import { getMerchant, listLocations, listPrograms } from "../merchants/directory.ts";
import type { Branding, Merchant } from "../model.ts";
import type { Db } from "../store/db/client.ts";

/**
 * A merchant strangers may join. An unknown merchant and one whose sign-up nobody confirmed yet (pending)
 * are the same 404, so a join link says nothing about merchants that are not open for business.
 */
export async function joinableMerchant(db: Db, merchantId: string): Promise<Merchant> {
  const merchant = await getMerchant(db, merchantId);
  if (!merchant || merchant.status === "pending") throw notFound("Merchant");
  return merchant;
}

export interface JoinLocation {
  id: string;
  name: string;
  /** How points are earned there, in the page's language; null when its program is gone. */
  rule: string | null;
}

/** What the join and find-my-card pages show of a merchant: nothing of its customers. */
export interface JoinPageFacts {
  merchantId: string;
  /** The page's language: the one asked for, else the merchant's own. */
  locale: Locale;
  name: string;
  branding: Pick<Branding, "backgroundColor" | "foregroundColor" | "logoPngBase64" | "termsUrl">;
  locations: JoinLocation[];
  /** The location of the link (`?location=`), when it is one of the merchant's. */
  location: JoinLocation | null;
}

/** The language a merchant speaks to customers in when the browser names neither French nor English. */
export const merchantLocale = (merchant: Pick<Merchant, "locale" | "country">): Locale =>
  merchant.locale ?? (merchant.country === "FR" ? "fr" : "en");

export async function joinPageFacts(
  db: Db,
  merchantId: string,
  asked: Locale | undefined,
  locationId: string | undefined,
): Promise<JoinPageFacts> {
  const merchant = await joinableMerchant(db, merchantId);
  const locale = asked ?? merchantLocale(merchant);
  const [locations, programs] = await Promise.all([
    listLocations(db, merchantId),
    listPrograms(db, merchantId),
  ]);
  const shown = locations.map((location): JoinLocation => {
    const program = programs.find((p) => p.id === location.programId);
    return {
      id: location.id,
      name: location.name,
      rule: program ? describeRule(program.rule, locale) : null,
    };
  });
  const { backgroundColor, foregroundColor, logoPngBase64, termsUrl } = merchant.branding ?? {};
  return {
    merchantId,
    locale,
    name: merchant.name,
    branding: {
      ...(backgroundColor ? { backgroundColor } : {}),
      ...(foregroundColor ? { foregroundColor } : {}),
      ...(logoPngBase64 ? { logoPngBase64 } : {}),
      ...(termsUrl ? { termsUrl } : {}),
    },
    locations: shown,
    location: shown.find((l) => l.id === locationId) ?? null,
  };
}

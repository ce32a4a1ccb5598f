import type { Locale } from "../ledger/entry-types.ts";
import type { Merchant } from "../model.ts";

/** The poster speaks the merchant's language: the one its owner chose, else French in France, else English. */
export const posterLocale = (merchant: Pick<Merchant, "locale" | "country">): Locale =>
  merchant.locale ?? (merchant.country === "FR" ? "fr" : "en");

export interface PosterWording {
  headline: string;
  scan: string;
  /** How points are earned at the location, from its program's rule (describeRule). */
  earn(locationName: string, rule: string): string;
  orVisit: string;
}

export const POSTER_WORDING: Record<Locale, PosterWording> = {
  en: {
    headline: "Join our loyalty programme",
    scan: "Scan with your phone's camera: your card goes in Apple Wallet or Google Wallet.",
    earn: (location, rule) => `At ${location}: ${rule}.`,
    orVisit: "Or open",
  },
  fr: {
    headline: "Rejoignez notre programme de fidélité",
    scan: "Scannez avec l'appareil photo de votre téléphone\u00a0: votre carte va dans Apple Wallet ou Google Wallet.",
    earn: (location, rule) => `À ${location}\u00a0: ${rule}.`,
    orVisit: "Ou ouvrez",
  },
};

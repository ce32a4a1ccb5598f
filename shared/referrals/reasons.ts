import type { Locale } from "../ledger/entry-types.ts";
import type { ReferralReason } from "./model.ts";

/** Why a referral paid nothing or was cancelled, as staff and members read it. */
export const REASON_TEXTS: Record<ReferralReason, Record<Locale, string>> = {
  self_referral: {
    en: "Refused: the friend's e-mail or phone is the referrer's own.",
    fr: "Refusé : l'e-mail ou le téléphone de l'ami est celui du parrain.",
  },
  existing_member: {
    en: "Refused: the friend already had a card here.",
    fr: "Refusé : l'ami avait déjà une carte ici.",
  },
  monthly_cap: {
    en: "Refused: the referrer had reached this month's referrals.",
    fr: "Refusé : le parrain avait atteint ses parrainages du mois.",
  },
  same_device: {
    en: "Refused: both cards are on the same device.",
    fr: "Refusé : les deux cartes sont sur le même appareil.",
  },
  deadline_passed: {
    en: "Refused: the first purchase came after the deadline.",
    fr: "Refusé : le premier achat est arrivé après la date limite.",
  },
  cancelled_by_staff: {
    en: "Cancelled by staff: the rewards were taken back.",
    fr: "Annulé par le commerçant : les récompenses ont été reprises.",
  },
  purchase_returned: {
    en: "Cancelled: the qualifying purchase was returned; the rewards were taken back.",
    fr: "Annulé : l'achat qualifiant a été retourné ; les récompenses ont été reprises.",
  },
};

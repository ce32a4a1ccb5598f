import { html } from "./html.js";
import { formatDateTime, formatPoints, translator } from "./i18n.js";
import { href } from "./router.js";
import { ApiText } from "./ui.js";

/**
 * How a ledger entry reads in the console, the same in the activity log and on a customer's page: its type
 * and reason in words, its signed points, its explanation as the API wrote it, and the redemption it
 * belongs to as a link.
 */

export const WORDS = {
  en: {
    type_purchase: "Purchase",
    type_visit: "Visit",
    type_manual: "Manual",
    type_redemption: "Redemption",
    type_refund: "Refund",
    type_reversal: "Purchase return",
    type_expiry: "Expiry",
    type_tier_change: "Tier change",
    type_tier_reward: "Tier reward",
    type_import: "Imported balance",
    type_referral_reward: "Referral reward",
    type_referral_reversal: "Referral reward taken back",
    reason_missed_scan: "Missed scan",
    reason_wrong_amount: "Wrong amount",
    reason_goodwill: "Goodwill",
    reason_correction: "Correction",
    reason_other: "Other",
    reasonIs: "Reason: {reason}",
    noteIs: "Note:",
    occurred: "for {when}",
    viewRedemption: "View the redemption",
    shortfall: "{points} points could not be taken back (the balance was too low).",
  },
  fr: {
    type_purchase: "Achat",
    type_visit: "Visite",
    type_manual: "Manuel",
    type_redemption: "Échange",
    type_refund: "Remboursement",
    type_reversal: "Retour d'achat",
    type_expiry: "Expiration",
    type_tier_change: "Changement de niveau",
    type_tier_reward: "Récompense de niveau",
    type_import: "Solde importé",
    type_referral_reward: "Récompense de parrainage",
    type_referral_reversal: "Récompense de parrainage reprise",
    reason_missed_scan: "Scan oublié",
    reason_wrong_amount: "Montant erroné",
    reason_goodwill: "Geste commercial",
    reason_correction: "Correction",
    reason_other: "Autre",
    reasonIs: "Motif : {reason}",
    noteIs: "Note :",
    occurred: "pour le {when}",
    viewRedemption: "Voir l'échange",
    shortfall: "{points} points n'ont pas pu être repris (solde insuffisant).",
  },
};
const t = translator(WORDS);

export const REASONS = ["missed_scan", "wrong_amount", "goodwill", "correction", "other"];

export const typeText = (type) => t(`type_${type}`);
export const reasonText = (reason) => t(`reason_${reason}`);

/** Points with their sign, so a deduction never reads as a gain: "+23", "−10". */
export const signedPoints = (points) => (points > 0 ? `+${formatPoints(points)}` : formatPoints(points));

/** When it was written, and when what it records happened if that differs (a back-dated manual entry). */
export function EntryTime({ entry }) {
  return html`<time datetime=${entry.createdAt}>${formatDateTime(entry.createdAt)}</time>${
    entry.occurredAt && entry.occurredAt !== entry.createdAt
      ? html`<br /><span class="muted">${t("occurred", { when: formatDateTime(entry.occurredAt) })}</span>`
      : null
  }`;
}

/** The explanation, then what staff added: reason, note, a shortfall, the redemption's page. */
export function EntryDetails({ entry }) {
  const redemptionId = entry.refs?.redemptionId;
  return html`<${ApiText} text=${entry.explanation} />
    ${entry.reason ? html`<br /><span class="muted">${t("reasonIs", { reason: reasonText(entry.reason) })}</span>` : null}
    ${entry.note ? html`<br /><span class="muted">${t("noteIs")} <${ApiText} text=${entry.note} /></span>` : null}
    ${entry.shortfall ? html`<br /><span class="muted">${t("shortfall", { points: formatPoints(entry.shortfall) })}</span>` : null}
    ${
      redemptionId && (entry.type === "redemption" || entry.type === "refund")
        ? html`<br /><a href=${href(`/redemptions/${encodeURIComponent(redemptionId)}`)}>${t("viewRedemption")}</a>`
        : null
    }`;
}

import { useEffect, useState } from "preact/hooks";
import { ApiProblem, send } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, formatPoints, translator } from "./i18n.js";
import { textArea } from "./redemption-textarea.js";
import { Dialog, ErrorMessage, Field, WORDS as UI_WORDS, useAction } from "./ui.js";

/**
 * Refund points (POST /v1/redemptions/{id}/refund): what will happen, said before the click from what we
 * know of the coupon, and what happened, said after from the answer's `outcome`. The six cases are those
 * of the help article "Cancel points redemption" (../shared/seeds/cancel-points-redemption.txt).
 */

export const WORDS = {
  en: {
    refund: "Refund points",
    refundAnyway: "Refund anyway",
    tryAgain: "Try again",
    note: "Note",
    noteHint: "Kept with the refund in the customer's history, for example why it was cancelled. Optional.",
    before_unused:
      "This coupon has not been used. Refunding revokes it, so it can no longer be used, and gives the {points} points back to the customer.",
    before_unused_external:
      "This coupon has not been used. Refunding revokes it in your online shop, so it can no longer be used, and gives the {points} points back to the customer.",
    before_deleted:
      "The reward this coupon came from was deleted, so the coupon cannot be revoked: it stays usable. The {points} points can come back anyway — refund anyway?",
    before_used:
      "This coupon was already used: the points can come back, the discount cannot be undone — refund anyway?",
    before_usedAt:
      "This coupon was already used on {date}: the points can come back, the discount cannot be undone — refund anyway?",
    before_untracked:
      "This coupon is not tracked: nobody can tell whether it was used or will be, and it cannot be revoked. The {points} points can come back. Refund them?",
    before_revoked:
      "This coupon was already revoked. Refunding gives the {points} points back to the customer.",
    learned_used: "Your online shop says this coupon was used.",
    learned_deleted: "The reward of this coupon was deleted in the meantime.",
    after_revoked_and_refunded:
      "The coupon was revoked and the {points} points are back on the customer's balance (now {balance}).",
    after_refunded_not_revoked:
      "The {points} points are back on the customer's balance (now {balance}). The coupon could not be revoked: it can still be used.",
    after_refunded_after_use:
      "The {points} points are back on the customer's balance (now {balance}). The discount the customer already had is not undone.",
    after_refunded_usage_unknown:
      "The {points} points are back on the customer's balance (now {balance}). Whether the coupon was or will be used cannot be known.",
    alreadyRefunded: "This redemption was already refunded on {date}. Nothing was changed.",
    issuerDown:
      "The coupon service did not answer: nothing was refunded. Try again; the same request is sent again, so the points cannot come back twice.",
  },
  fr: {
    refund: "Rembourser les points",
    refundAnyway: "Rembourser quand même",
    tryAgain: "Réessayer",
    note: "Note",
    noteHint:
      "Gardée avec le remboursement dans l'historique du client, par exemple la raison de l'annulation. Facultative.",
    before_unused:
      "Ce coupon n'a pas été utilisé. Le remboursement le révoque, il ne pourra plus servir, et rend les {points} points au client.",
    before_unused_external:
      "Ce coupon n'a pas été utilisé. Le remboursement le révoque dans votre boutique en ligne, il ne pourra plus servir, et rend les {points} points au client.",
    before_deleted:
      "La récompense de ce coupon a été supprimée : le coupon ne peut pas être révoqué et reste utilisable. Les {points} points peuvent quand même être rendus — rembourser quand même ?",
    before_used:
      "Ce coupon a déjà été utilisé : les points peuvent être rendus, la remise accordée ne peut pas être annulée — rembourser quand même ?",
    before_usedAt:
      "Ce coupon a déjà été utilisé le {date} : les points peuvent être rendus, la remise accordée ne peut pas être annulée — rembourser quand même ?",
    before_untracked:
      "Ce coupon n'est pas suivi : personne ne peut savoir s'il a servi ou servira, et il ne peut pas être révoqué. Les {points} points peuvent être rendus. Les rembourser ?",
    before_revoked: "Ce coupon a déjà été révoqué. Le remboursement rend les {points} points au client.",
    learned_used: "Votre boutique en ligne indique que ce coupon a été utilisé.",
    learned_deleted: "La récompense de ce coupon a été supprimée entre-temps.",
    after_revoked_and_refunded:
      "Le coupon a été révoqué et les {points} points sont revenus sur le solde du client (désormais {balance}).",
    after_refunded_not_revoked:
      "Les {points} points sont revenus sur le solde du client (désormais {balance}). Le coupon n'a pas pu être révoqué : il peut encore servir.",
    after_refunded_after_use:
      "Les {points} points sont revenus sur le solde du client (désormais {balance}). La remise déjà accordée n'est pas annulée.",
    after_refunded_usage_unknown:
      "Les {points} points sont revenus sur le solde du client (désormais {balance}). On ne peut pas savoir si le coupon a servi ou servira.",
    alreadyRefunded: "Ce remboursement avait déjà été fait le {date}. Rien n'a été modifié.",
    issuerDown:
      "Le service des coupons n'a pas répondu : rien n'a été remboursé. Réessayez ; la même demande est renvoyée, les points ne peuvent donc pas être rendus deux fois.",
  },
};
const t = translator(WORDS);
const ui = translator(UI_WORDS);

/**
 * What a refund would do, from the redemption as we know it, in the API's order of precedence: refunded,
 * used, untracked, reward deleted, revoked, unused. The external shop may know better (a code used
 * there): its 409 then changes the situation in the dialog.
 */
export function situationOf(redemption, rewardDeleted) {
  if (redemption.refund || redemption.refundedAt) return "refunded";
  if (redemption.status === "used") return "used";
  if (redemption.tracking === "untracked") return "untracked";
  if (rewardDeleted) return "deleted";
  if (redemption.status === "revoked") return "revoked";
  return "unused";
}

/** Where the points can come back only with `force: true`: the API's 409s without it. */
const NEEDS_FORCE = new Set(["used", "deleted"]);

function beforeText(situation, redemption, usedAt) {
  const points = formatPoints(redemption.points);
  if (situation === "used")
    return usedAt ? t("before_usedAt", { date: formatDateTime(usedAt) }) : t("before_used");
  if (situation === "unused" && redemption.issuer === "external")
    return t("before_unused_external", { points });
  return t(`before_${situation}`, { points });
}

export const refundLabel = () => t("refund");

/** The 409 of a redemption refunded before (elsewhere, or by a colleague a moment ago), with its date. */
export const alreadyRefundedText = (refundedAt) => t("alreadyRefunded", { date: formatDateTime(refundedAt) });

/** What a refund did, from its outcome: for the message after the click and the redemption's own page. */
export function outcomeText(outcome, points, balance) {
  return t(`after_${outcome}`, { points: formatPoints(points), balance: formatPoints(balance) });
}

/**
 * The dialog: the situation in words, an optional note, and the confirm button (force when the situation
 * needs it). `onDone({ result })` after a refund, `onDone({ refundedAt })` when it had been refunded
 * already. Mount it afresh for each opening (a `key`), so each one is a new intended change.
 */
export function RefundDialog({ open, redemption, rewardDeleted, onClose, onDone }) {
  const [learned, setLearned] = useState(undefined);
  const [note, setNote] = useState("");
  const action = useAction();
  const situation = learned?.situation ?? situationOf(redemption, rewardDeleted);
  const force = NEEDS_FORCE.has(situation);
  const error = action.error;
  const issuerDown = error instanceof ApiProblem && (error.status === 502 || error.status === 503);

  useEffect(() => {
    if (!(error instanceof ApiProblem) || error.status !== 409) return;
    const body = error.body;
    if (body.refundedAt) onDone({ refundedAt: body.refundedAt });
    // The 409s that say what a refund needs: ask again, with what the API has just told us.
    else if ("usedAt" in body) setLearned({ situation: "used", usedAt: body.usedAt, word: "learned_used" });
    else if ("rewardArchivedAt" in body) setLearned({ situation: "deleted", word: "learned_deleted" });
  }, [error]);

  const confirm = async (event) => {
    event.preventDefault();
    const body = { ...(force ? { force: true } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
    const result = await action.run((key) =>
      send("POST", `/v1/redemptions/${encodeURIComponent(redemption.id)}/refund`, body, key),
    );
    if (result) onDone({ result });
  };

  const explained409 = error instanceof ApiProblem && error.status === 409 && learned;
  const retry = issuerDown || (error && !(error instanceof ApiProblem));
  return html`<${Dialog} open=${open} title=${t("refund")} onClose=${onClose}>
    <form onSubmit=${confirm}>
      ${learned ? html`<p class="notice">${t(learned.word)}</p>` : null}
      <p class=${situation === "unused" || situation === "revoked" ? "notice" : "warning"} id="refund-before">
        ${beforeText(situation, redemption, learned?.usedAt ?? redemption.usedAt)}
      </p>
      <${Field} id="refund-note" label=${t("note")} hint=${t("noteHint")} error=${error} field="note">
        ${textArea(note, (event) => {
          setNote(event.currentTarget.value);
          // Another note is another request: it gets a key of its own.
          if (action.error) action.reset();
        })}
      <//>
      ${issuerDown ? html`<div class="error" role="alert"><p>${t("issuerDown")}</p></div>` : null}
      ${error && !issuerDown && !explained409 && !error.body?.refundedAt ? html`<${ErrorMessage} error=${error} />` : null}
      <div class="actions">
        <button type="submit" class=${force ? "danger" : "primary"} disabled=${action.pending}>
          ${retry ? t("tryAgain") : force ? t("refundAnyway") : t("refund")}
        </button>
        <button type="button" onClick=${onClose}>${ui("cancel")}</button>
      </div>
    </form>
  <//>`;
}

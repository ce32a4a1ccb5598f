import { useState } from "preact/hooks";
import { send } from "./client.js";
import { html } from "./html.js";
import { formatPoints, translator } from "./i18n.js";
import { textArea } from "./redemption-textarea.js";
import { Dialog, ErrorMessage, Field, WORDS as UI_WORDS, useAction } from "./ui.js";

/**
 * Deciding a claim: approve (POST /v1/claims/{id}/approve, the proposed points or the reviewer's own) or
 * reject with the reason the customer is told (POST /v1/claims/{id}/reject). Mount it afresh for each
 * opening (a `key`): each opening is one intended change with its own Idempotency-Key.
 */

export const WORDS = {
  en: {
    approveTitle: "Approve the claim of {name}",
    rejectTitle: "Reject the claim of {name}",
    points: "Points to credit",
    pointsHint: "The proposal is filled in; change it if the receipt says otherwise.",
    pointsHintNone: "Nothing was proposed: enter the points the visit or purchase earns.",
    note: "Note",
    noteHint: "Kept with the entry in the customer's history. Optional.",
    reason: "Reason",
    reasonHint: "The customer is told this reason.",
    approve: "Approve and credit the points",
    reject: "Reject the claim",
    approved: "Claim of {name} approved: {points} points credited.",
    rejected: "Claim of {name} rejected. They are told why.",
  },
  fr: {
    approveTitle: "Accepter la réclamation de {name}",
    rejectTitle: "Refuser la réclamation de {name}",
    points: "Points à créditer",
    pointsHint: "La proposition est déjà saisie ; modifiez-la si le ticket dit autre chose.",
    pointsHintNone: "Rien n'a été proposé : saisissez les points que rapporte la visite ou l'achat.",
    note: "Note",
    noteHint: "Gardée avec l'opération dans l'historique du client. Facultative.",
    reason: "Raison",
    reasonHint: "Cette raison est communiquée au client.",
    approve: "Accepter et créditer les points",
    reject: "Refuser la réclamation",
    approved: "Réclamation de {name} acceptée : {points} points crédités.",
    rejected: "Réclamation de {name} refusée. Le client en reçoit la raison.",
  },
};
const t = translator(WORDS);
const ui = translator(UI_WORDS);

/** `decision`: `{ kind: "approve" | "reject", claim, name }`; `onDone(message)` once decided. */
export function DecisionDialog({ open, decision, onClose, onDone }) {
  const proposal = decision?.claim.match.proposal;
  const [points, setPoints] = useState(proposal ? String(proposal.points) : "");
  const [text, setText] = useState("");
  const action = useAction();
  if (!decision) return html`<${Dialog} open=${false} title="" onClose=${onClose} />`;
  const { kind, claim, name } = decision;
  const approve = kind === "approve";

  const submit = async (event) => {
    event.preventDefault();
    const path = `/v1/claims/${encodeURIComponent(claim.id)}/${kind}`;
    const trimmed = text.trim();
    // The API names a field it refuses; a number that is no integer is sent as typed, for it to say so.
    const body = approve
      ? { ...(points.trim() ? { points: Number(points) } : {}), ...(trimmed ? { note: trimmed } : {}) }
      : { reason: trimmed };
    const result = await action.run((key) => send("POST", path, body, key));
    if (!result) return;
    onDone(
      approve
        ? t("approved", { name, points: formatPoints(result.transaction.points) })
        : t("rejected", { name }),
    );
  };
  const changed = (set) => (event) => {
    set(event.currentTarget.value);
    if (action.error) action.reset();
  };

  return html`<${Dialog} open=${open} title=${t(approve ? "approveTitle" : "rejectTitle", { name })} onClose=${onClose}>
    <form onSubmit=${submit}>
      ${
        approve
          ? html`<${Field}
              id="claim-points"
              label=${t("points")}
              hint=${proposal ? t("pointsHint") : t("pointsHintNone")}
              error=${action.error}
              field="points"
              required=${!proposal}
            >
              ${({ id, describedBy, invalid }) => html`<input
                id=${id}
                type="number"
                inputmode="numeric"
                min="1"
                step="1"
                required=${!proposal}
                aria-describedby=${describedBy}
                aria-invalid=${invalid ? "true" : undefined}
                value=${points}
                onInput=${changed(setPoints)}
              />`}
            <//>
            <${Field} id="claim-note" label=${t("note")} hint=${t("noteHint")} error=${action.error} field="note">
              ${textArea(text, changed(setText))}
            <//>`
          : html`<${Field} id="claim-reason" label=${t("reason")} hint=${t("reasonHint")} error=${action.error} field="reason" required>
            ${textArea(text, changed(setText), { required: true })}
          <//>`
      }
      ${
        action.error &&
        !action.error.fieldReason?.(approve ? "points" : "reason") &&
        !action.error.fieldReason?.("note")
          ? html`<${ErrorMessage} error=${action.error} />`
          : null
      }
      <div class="actions">
        <button type="submit" class=${approve ? "primary" : "danger"} disabled=${action.pending}>
          ${t(approve ? "approve" : "reject")}
        </button>
        <button type="button" onClick=${onClose}>${ui("cancel")}</button>
      </div>
    </form>
  <//>`;
}

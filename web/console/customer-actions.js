import { useEffect, useRef, useState } from "preact/hooks";
import { REASONS, reasonText, signedPoints } from "./activity-entries.js";
import { ApiProblem, send } from "./client.js";
import { html } from "./html.js";
import { formatMoney, formatPoints, translator } from "./i18n.js";
import { ApiText, Dialog, ErrorMessage, Field, useAction } from "./ui.js";

/**
 * The changes a customer's page offers: points issued or deducted by hand (POST …/points: the help
 * article's "Issue Points") and a purchase return (POST /v1/transactions/{id}/reverse). Each is a dialog
 * whose submit is one intended change (useAction keeps its Idempotency-Key across a retry).
 */

export const WORDS = {
  en: {
    issueTitle: "Issue points to {name}",
    deductTitle: "Deduct points from {name}",
    points: "Points",
    pointsHint: "A whole number of points.",
    deductHint: "A whole number of points, at most the balance ({balance}).",
    reason: "Reason",
    chooseReason: "Choose a reason",
    note: "Note",
    noteHint: "What happened, for your records (at most 500 characters).",
    occurredAt: "When the visit happened",
    occurredHint: "For a past visit the customer forgot to scan; leave empty for now.",
    location: "Location",
    noLocation: "None in particular",
    issue: "Issue the points",
    deduct: "Deduct the points",
    cancel: "Cancel",
    returnTitle: "Purchase return",
    purchaseIs: "The purchase: {amount}, {points} points.",
    returnAmount: "Amount returned ({currency})",
    returnHint:
      "Leave empty when everything is returned; for part of the purchase, the amount brought back, e.g. 11.70.",
    returnSubmit: "Record the return",
  },
  fr: {
    issueTitle: "Attribuer des points à {name}",
    deductTitle: "Retirer des points à {name}",
    points: "Points",
    pointsHint: "Un nombre entier de points.",
    deductHint: "Un nombre entier de points, au plus le solde ({balance}).",
    reason: "Motif",
    chooseReason: "Choisissez un motif",
    note: "Note",
    noteHint: "Ce qui s'est passé, pour vos archives (500 caractères au plus).",
    occurredAt: "Date de la visite",
    occurredHint: "Pour une visite passée que le client a oublié de scanner ; laissez vide pour maintenant.",
    location: "Établissement",
    noLocation: "Aucun en particulier",
    issue: "Attribuer les points",
    deduct: "Retirer les points",
    cancel: "Annuler",
    returnTitle: "Retour d'achat",
    purchaseIs: "L'achat : {amount}, {points} points.",
    returnAmount: "Montant retourné ({currency})",
    returnHint:
      "Laissez vide si tout est retourné ; pour une partie de l'achat, le montant rapporté, par ex. 11.70.",
    returnSubmit: "Enregistrer le retour",
  },
};
const t = translator(WORDS);

/** The local time of a `datetime-local` control, for its `max`: no manual entry for a visit yet to come. */
const localNow = () => {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/**
 * The body of POST …/points from the form: points signed by the direction, empty fields left out, a local
 * date-time as an instant.
 */
export function pointsBody(form, direction) {
  const points = Number(form.get("points"));
  const body = { points: direction === "deduct" ? -points : points, reason: form.get("reason") };
  const note = String(form.get("note") ?? "").trim();
  if (note) body.note = note;
  const occurredAt = String(form.get("occurredAt") ?? "");
  if (occurredAt) body.occurredAt = new Date(occurredAt).toISOString();
  const locationId = String(form.get("locationId") ?? "");
  if (locationId) body.locationId = locationId;
  return body;
}

/**
 * What a refused submit shows: when every reason the API gave names one of the form's `fields`, each shows
 * under its field and the first such field takes the focus (its description reads the reason out), so a
 * summary would only repeat them; any other refusal is the summary's (returned).
 */
export function useRefusal(error, form, fields) {
  const reasons = error instanceof ApiProblem ? (error.body.errors ?? []) : [];
  const onFields = reasons.length > 0 && reasons.every((reason) => fields.includes(reason.field));
  useEffect(() => {
    if (onFields) form.current?.querySelector('[aria-invalid="true"]')?.focus();
  }, [error]);
  return onFields ? undefined : error;
}

/** Issue (`direction` "issue") or deduct points; `onDone(transaction)` after the API took it. */
export function PointsDialog({ open, customer, direction, locations, onClose, onDone }) {
  const action = useAction();
  // Opening the dialog again starts a new intended change.
  useEffect(() => {
    if (open) action.reset();
  }, [open, direction]);
  const submit = async (event) => {
    event.preventDefault();
    const body = pointsBody(new FormData(event.currentTarget), direction);
    const answer = await action.run((key) =>
      send("POST", `/v1/customers/${encodeURIComponent(customer.id)}/points`, body, key),
    );
    if (answer) onDone(answer.transaction);
  };
  const issuing = direction === "issue";
  const err = action.error;
  const form = useRef(null);
  const summary = useRefusal(err, form, ["points", "reason", "note", "occurredAt", "locationId"]);
  return html`<${Dialog} open=${open} title=${t(issuing ? "issueTitle" : "deductTitle", { name: customer.name })} onClose=${onClose}>
    <form id="points-form" ref=${form} class="dialog-form" onSubmit=${submit} onInput=${() => err && action.reset()} novalidate>
      <${Field} id="points-amount" label=${t("points")} hint=${issuing ? t("pointsHint") : t("deductHint", { balance: formatPoints(customer.balance) })} error=${err} field="points" required>
        ${({ id, describedBy, invalid }) =>
          html`<input id=${id} name="points" type="number" inputmode="numeric" min="1" max=${issuing ? 1000000 : customer.balance} step="1" required aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
      <//>
      <${Field} id="points-reason" label=${t("reason")} error=${err} field="reason" required>
        ${({ id, describedBy, invalid }) =>
          html`<select id=${id} name="reason" required aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined}>
            <option value="">${t("chooseReason")}</option>
            ${REASONS.map((reason) => html`<option value=${reason}>${reasonText(reason)}</option>`)}
          </select>`}
      <//>
      <${Field} id="points-note" label=${t("note")} hint=${t("noteHint")} error=${err} field="note">
        ${({ id, describedBy, invalid }) =>
          html`<textarea id=${id} name="note" maxlength="500" rows="2" aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined}></textarea>`}
      <//>
      ${
        issuing
          ? html`<${Field} id="points-occurred" label=${t("occurredAt")} hint=${t("occurredHint")} error=${err} field="occurredAt">
            ${({ id, describedBy, invalid }) =>
              html`<input id=${id} name="occurredAt" type="datetime-local" max=${localNow()} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
          <//>`
          : null
      }
      ${
        locations.length
          ? html`<${Field} id="points-location" label=${t("location")} error=${err} field="locationId">
            ${({ id, describedBy, invalid }) =>
              html`<select id=${id} name="locationId" aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined}>
                <option value="">${t("noLocation")}</option>
                ${locations.map((location) => html`<option value=${location.id}>${location.name}</option>`)}
              </select>`}
          <//>`
          : null
      }
      <${ErrorMessage} error=${summary} />
      <div class="actions">
        <button type="submit" class=${issuing ? "primary" : "danger"} disabled=${action.pending}>${t(issuing ? "issue" : "deduct")}</button>
        <button type="button" onClick=${onClose}>${t("cancel")}</button>
      </div>
    </form>
  <//>`;
}

/** A purchase return from a purchase row of the ledger; `onDone(reversal)` after the API took it. */
export function ReturnDialog({ purchase, onClose, onDone }) {
  const action = useAction();
  const [amount, setAmount] = useState("");
  useEffect(() => {
    action.reset();
    setAmount("");
  }, [purchase?.id]);
  const currency = purchase?.inputs?.currency ?? "";
  const submit = async (event) => {
    event.preventDefault();
    const body = amount.trim() ? { amount: amount.trim().replace(",", ".") } : {};
    const answer = await action.run((key) =>
      send("POST", `/v1/transactions/${encodeURIComponent(purchase.id)}/reverse`, body, key),
    );
    if (answer) onDone(answer.reversal);
  };
  const err = action.error;
  const form = useRef(null);
  const summary = useRefusal(err, form, ["amount"]);
  return html`<${Dialog} open=${Boolean(purchase)} title=${t("returnTitle")} onClose=${onClose}>
    ${
      purchase
        ? html`<form id="return-form" ref=${form} class="dialog-form" onSubmit=${submit} novalidate>
      <p id="return-purchase">
        ${t("purchaseIs", { amount: purchase.inputs?.amount && currency ? formatMoney(purchase.inputs.amount, currency) : "", points: signedPoints(purchase.points) })}
        <br /><${ApiText} text=${purchase.explanation} />
      </p>
      <${Field} id="return-amount" label=${t("returnAmount", { currency })} hint=${t("returnHint")} error=${err} field="amount">
        ${({ id, describedBy, invalid }) =>
          html`<input id=${id} name="amount" inputmode="decimal" autocomplete="off" size="10" value=${amount}
            onInput=${(event) => {
              setAmount(event.currentTarget.value);
              if (err) action.reset();
            }}
            aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
      <//>
      <${ErrorMessage} error=${summary} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${action.pending}>${t("returnSubmit")}</button>
        <button type="button" onClick=${onClose}>${t("cancel")}</button>
      </div>
    </form>`
        : null
    }
  <//>`;
}

import { ApiProblem } from "./client.js";
import { html } from "./html.js";
import { translator } from "./i18n.js";
import { ApiText, ErrorMessage, useAction } from "./ui.js";

/** What every settings section shares: a refusal said in words, the status line after a change. */

export const WORDS = {
  en: {
    forbidden:
      "Your role does not allow you to see or change this. An owner can give your role this permission.",
    apiSaid: "The server says:",
    cancel: "Cancel",
  },
  fr: {
    forbidden:
      "Votre rôle ne vous permet pas de voir ni de modifier ceci. Un propriétaire peut donner cette permission à votre rôle.",
    apiSaid: "Le serveur indique :",
    cancel: "Annuler",
  },
};
const t = translator(WORDS);

/** A load or a change that failed: a 403 in the console's own words (the role), anything else as the API says. */
export function SectionError({ error, onRetry }) {
  if (!error) return null;
  if (error instanceof ApiProblem && error.status === 403) {
    return html`<div class="warning" role="alert">
      <p>${t("forbidden")}</p>
      ${error.message ? html`<p class="muted">${t("apiSaid")} <${ApiText} text=${error.message} /></p>` : null}
    </div>`;
  }
  return html`<${ErrorMessage} error=${error} onRetry=${onRetry} />`;
}

/**
 * The line that says what a change did. It is always in the page, empty until then, so a screen reader
 * announces the text when it appears (a live region added with its text is often not read).
 */
export const Status = ({ text }) => html`<p class="settings-status" role="status">${text ?? ""}</p>`;

/** A form's whole-number field: a number, or the text as typed so the API names what is wrong with it. */
export function integerOf(value) {
  const text = String(value ?? "").trim();
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** A trimmed text field, left out when empty. */
export function textOf(value) {
  const text = String(value ?? "").trim();
  return text === "" ? undefined : text;
}

/**
 * A dialog's "are you sure": what the change does, the change itself (`perform(idempotencyKey)`), and
 * `onDone(answer)` once it is made; a refusal stays in the dialog.
 */
export function Confirm({ text, confirm, perform, onDone, onCancel }) {
  const action = useAction();
  const go = async () => {
    const answer = await action.run(perform);
    if (answer) onDone(answer);
  };
  return html`<div>
    <p>${text}</p>
    <${SectionError} error=${action.error} />
    <div class="actions">
      <button type="button" class="danger" disabled=${action.pending} onClick=${go}>${confirm}</button>
      <button type="button" onClick=${onCancel}>${t("cancel")}</button>
    </div>
  </div>`;
}

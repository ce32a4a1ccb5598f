import { useEffect, useRef } from "preact/hooks";
import { ApiProblem, get, send } from "./client.js";
import { useRefusal } from "./customer-actions.js";
import { html } from "./html.js";
import { formatDateTime, translator } from "./i18n.js";
import { Dialog, ErrorMessage, Field, Loading, useAction, useLoad } from "./ui.js";

/**
 * A customer's contact details with their edit (PATCH /v1/customers/{id}: only what changed is sent) and
 * the audit trail of those edits (GET …/audit: who, when, which fields; the values are never kept).
 */

export const WORDS = {
  en: {
    contact: "Contact details",
    name: "Name",
    phone: "Phone",
    email: "E-mail",
    locale: "Language",
    marketing: "Marketing e-mails",
    marketingYes: "Agreed",
    marketingNo: "Not agreed",
    none: "none",
    since: "Member since",
    locale_fr: "French",
    locale_en: "English",
    editTitle: "Edit {name}'s contact details",
    phoneHint: "Leave empty to remove the number.",
    emailHint: "Leave empty to remove the address.",
    marketingLabel: "Agrees to receive marketing e-mails",
    save: "Save",
    cancel: "Cancel",
    nothingChanged: "Nothing was changed.",
    audit: "Changes to the contact details",
    auditCaption: "Who changed the contact details, newest first (the values are not kept)",
    auditNone: "The contact details have not been changed since the customer joined.",
    when: "When",
    who: "Who",
    fields: "Fields changed",
    field_name: "name",
    field_phone: "phone",
    field_email: "e-mail",
    field_locale: "language",
    field_marketingConsent: "marketing consent",
    field_erased: "personal data erased",
  },
  fr: {
    contact: "Coordonnées",
    name: "Nom",
    phone: "Téléphone",
    email: "E-mail",
    locale: "Langue",
    marketing: "E-mails marketing",
    marketingYes: "Accepte",
    marketingNo: "N'accepte pas",
    none: "aucun",
    since: "Membre depuis",
    locale_fr: "Français",
    locale_en: "Anglais",
    editTitle: "Modifier les coordonnées de {name}",
    phoneHint: "Laissez vide pour supprimer le numéro.",
    emailHint: "Laissez vide pour supprimer l'adresse.",
    marketingLabel: "Accepte de recevoir des e-mails marketing",
    save: "Enregistrer",
    cancel: "Annuler",
    nothingChanged: "Rien n'a été modifié.",
    audit: "Modifications des coordonnées",
    auditCaption:
      "Qui a modifié les coordonnées, les plus récentes en premier (les valeurs ne sont pas conservées)",
    auditNone: "Les coordonnées n'ont pas été modifiées depuis l'inscription du client.",
    when: "Date",
    who: "Par",
    fields: "Champs modifiés",
    field_name: "nom",
    field_phone: "téléphone",
    field_email: "e-mail",
    field_locale: "langue",
    field_marketingConsent: "consentement marketing",
    field_erased: "données personnelles effacées",
  },
};
const t = translator(WORDS);

export const fieldText = (field) => t(`field_${field}`);
/** This module's words for the page that shows its pieces (the section's heading, a save's outcome). */
export const contactText = (key) => t(key);

export function ContactFacts({ customer }) {
  return html`<dl class="facts">
    <dt>${t("phone")}</dt><dd>${customer.phone ?? html`<span class="muted">${t("none")}</span>`}</dd>
    <dt>${t("email")}</dt><dd>${customer.email ?? html`<span class="muted">${t("none")}</span>`}</dd>
    <dt>${t("locale")}</dt><dd>${t(`locale_${customer.locale}`)}</dd>
    <dt>${t("marketing")}</dt><dd>${customer.marketingConsent ? t("marketingYes") : t("marketingNo")}</dd>
    <dt>${t("since")}</dt><dd>${formatDateTime(customer.createdAt)}</dd>
  </dl>`;
}

/** The PATCH body: the fields whose value differs from the customer's, an emptied phone or e-mail as null. */
export function contactChanges(customer, form) {
  const wanted = {
    name: String(form.get("name") ?? "").trim(),
    phone: String(form.get("phone") ?? "").trim() || null,
    email: String(form.get("email") ?? "").trim() || null,
    locale: form.get("locale"),
    marketingConsent: form.get("marketingConsent") === "on",
  };
  return Object.fromEntries(
    Object.entries(wanted).filter(([field, value]) => value !== (customer[field] ?? null)),
  );
}

/**
 * A phone or e-mail another customer has is a 409 naming it in `field` rather than `errors`: shown under
 * that field like a validation reason.
 */
const onItsField = (error) =>
  error instanceof ApiProblem && error.body.field && !error.body.errors
    ? new ApiProblem(error.status, {
        ...error.body,
        errors: [{ field: error.body.field, reason: error.body.detail }],
      })
    : error;

/** `onDone(answer)` with the PATCH's answer (`customer`, `changed`), or `{ changed: [] }` when nothing changed. */
export function ContactDialog({ open, customer, onClose, onDone }) {
  const action = useAction();
  useEffect(() => {
    if (open) action.reset();
  }, [open]);
  const submit = async (event) => {
    event.preventDefault();
    const changes = contactChanges(customer, new FormData(event.currentTarget));
    if (Object.keys(changes).length === 0) return onDone({ customer, changed: [] });
    // Setting values is idempotent in itself: PATCH takes no Idempotency-Key.
    const answer = await action.run(() =>
      send("PATCH", `/v1/customers/${encodeURIComponent(customer.id)}`, changes),
    );
    if (answer) onDone(answer);
  };
  const err = onItsField(action.error);
  const form = useRef(null);
  const summary = useRefusal(err, form, ["name", "phone", "email", "locale"]);
  // Uncontrolled (default values): the page re-rendering while the dialog is open keeps what was typed.
  const control =
    (name, type, extra = {}) =>
    ({ id, describedBy, invalid }) =>
      html`<input id=${id} name=${name} type=${type} defaultValue=${customer[name] ?? ""} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} ...${extra} />`;
  return html`<${Dialog} open=${open} title=${t("editTitle", { name: customer.name })} onClose=${onClose}>
    <form id="contact-form" ref=${form} class="dialog-form" onSubmit=${submit} onInput=${() => err && action.reset()} novalidate>
      <${Field} id="contact-name" label=${t("name")} error=${err} field="name" required>
        ${control("name", "text", { maxlength: 120, autocomplete: "off", required: true })}
      <//>
      <${Field} id="contact-phone" label=${t("phone")} hint=${t("phoneHint")} error=${err} field="phone">
        ${control("phone", "tel", { autocomplete: "off" })}
      <//>
      <${Field} id="contact-email" label=${t("email")} hint=${t("emailHint")} error=${err} field="email">
        ${control("email", "email", { autocomplete: "off", maxlength: 254 })}
      <//>
      <${Field} id="contact-locale" label=${t("locale")} error=${err} field="locale">
        ${({ id, describedBy }) =>
          html`<select id=${id} name="locale" aria-describedby=${describedBy}>
            <option value="fr" selected=${customer.locale === "fr"}>${t("locale_fr")}</option>
            <option value="en" selected=${customer.locale === "en"}>${t("locale_en")}</option>
          </select>`}
      <//>
      <div class="field check">
        <input id="contact-marketing" name="marketingConsent" type="checkbox" defaultChecked=${customer.marketingConsent} />
        <label for="contact-marketing">${t("marketingLabel")}</label>
      </div>
      <${ErrorMessage} error=${summary} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${action.pending}>${t("save")}</button>
        <button type="button" onClick=${onClose}>${t("cancel")}</button>
      </div>
    </form>
  <//>`;
}

/** The audit trail; `version` changes after an edit so the new line shows. */
export function ContactAudit({ customerId, version, staffName }) {
  const audit = useLoad(
    () => get(`/v1/customers/${encodeURIComponent(customerId)}/audit`, { limit: 20 }),
    [customerId, version],
  );
  return html`<section aria-labelledby="audit-h">
    <h3 id="audit-h">${t("audit")}</h3>
    ${audit.loading && !audit.data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${audit.error} onRetry=${audit.reload} />
    ${audit.data?.changes.length === 0 ? html`<p class="muted">${t("auditNone")}</p>` : null}
    ${
      audit.data?.changes.length
        ? html`<table id="audit">
          <caption>${t("auditCaption")}</caption>
          <thead><tr><th scope="col">${t("when")}</th><th scope="col">${t("who")}</th><th scope="col">${t("fields")}</th></tr></thead>
          <tbody>
            ${audit.data.changes.map(
              (change) => html`<tr>
                <td><time datetime=${change.at}>${formatDateTime(change.at)}</time></td>
                <td>${staffName(change.staffId)}</td>
                <td>${change.fields.map(fieldText).join(", ")}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : null
    }
  </section>`;
}

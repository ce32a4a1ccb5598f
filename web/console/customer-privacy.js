import { useEffect, useRef, useState } from "preact/hooks";
import { send } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, formatPoints, translator } from "./i18n.js";
import { Dialog, ErrorMessage, useAction } from "./ui.js";

/**
 * A customer's personal data (README "Personal data (GDPR)"): the erasure (DELETE /v1/customers/{id}, the
 * body repeating the id so a stray call erases nobody) behind a dialog whose box must be ticked, and the
 * access export (POST …/export), whose JSON file the browser downloads from the answer's link.
 */

export const WORDS = {
  en: {
    privacy: "Personal data",
    privacyHint:
      "When a customer asks what you hold about them, or asks to be forgotten (GDPR articles 15, 17 and 20).",
    erase: "Erase personal data",
    eraseTitle: "Erase the personal data of {name}",
    eraseWhat:
      "The name is emptied; the phone, e-mail and consents are removed; the card no longer scans, its wallet pass is voided and every portal link stops working. Notes typed on points entries and claims are removed.",
    eraseKept:
      "The balance ({points} points) and the points history stay, by the customer's number only, so the accounts and the ledger check still add up.",
    eraseFinal: "This cannot be undone. If the customer joins again, they get a new card with no points.",
    eraseConfirm: "I confirm that {name} asked for their personal data to be erased, for good",
    eraseTick: "Tick the box to confirm the erasure.",
    eraseSubmit: "Erase for good",
    cancel: "Cancel",
    erased: "The customer's personal data was erased ({date}). The balance and the points history are kept.",
    erasedBanner: "This customer's personal data was erased on {date}.",
    erasedName: "Erased customer {id}",
    export: "Export this customer's data",
    exporting: "Preparing the file…",
    exported:
      "The file of everything held about this customer is ready (points entries: {entries}); your browser downloads it.",
    exportAgain: "Download the file again",
    exportValid: "(link valid until {time})",
  },
  fr: {
    privacy: "Données personnelles",
    privacyHint:
      "Quand un client demande ce que vous conservez sur lui, ou demande à être oublié (RGPD, articles 15, 17 et 20).",
    erase: "Effacer les données personnelles",
    eraseTitle: "Effacer les données personnelles de {name}",
    eraseWhat:
      "Le nom est vidé ; le téléphone, l'e-mail et les consentements sont supprimés ; la carte ne se scanne plus, sa carte Wallet est annulée et chaque lien vers l'espace client cesse de fonctionner. Les notes saisies sur les mouvements de points et les réclamations sont supprimées.",
    eraseKept:
      "Le solde ({points} points) et l'historique des points restent, rattachés au seul numéro du client, pour que les comptes et la vérification de l'historique restent justes.",
    eraseFinal:
      "C'est irréversible. Si le client s'inscrit de nouveau, il reçoit une nouvelle carte sans points.",
    eraseConfirm: "Je confirme que {name} a demandé l'effacement définitif de ses données personnelles",
    eraseTick: "Cochez la case pour confirmer l'effacement.",
    eraseSubmit: "Effacer définitivement",
    cancel: "Annuler",
    erased:
      "Les données personnelles du client ont été effacées ({date}). Le solde et l'historique des points sont conservés.",
    erasedBanner: "Les données personnelles de ce client ont été effacées le {date}.",
    erasedName: "Client effacé {id}",
    export: "Exporter les données de ce client",
    exporting: "Préparation du fichier…",
    exported:
      "Le fichier de tout ce qui est conservé sur ce client est prêt (mouvements de points : {entries}) ; votre navigateur le télécharge.",
    exportAgain: "Télécharger à nouveau le fichier",
    exportValid: "(lien valable jusqu'à {time})",
  },
};
const t = translator(WORDS);

export const privacyText = t;

/** The erasure's dialog; `onDone(erasure)` once the API answered. */
export function EraseDialog({ open, customer, onClose, onDone }) {
  const action = useAction();
  const [ticked, setTicked] = useState(false);
  const [untickedSubmit, setUntickedSubmit] = useState(false);
  const box = useRef(null);
  useEffect(() => {
    if (!open) return;
    action.reset();
    setTicked(false);
    setUntickedSubmit(false);
  }, [open]);
  const submit = async (event) => {
    event.preventDefault();
    if (!ticked) {
      setUntickedSubmit(true);
      box.current?.focus();
      return;
    }
    const answer = await action.run((key) =>
      send("DELETE", `/v1/customers/${encodeURIComponent(customer.id)}`, { confirm: customer.id }, key),
    );
    if (answer) onDone(answer.erasure);
  };
  const showTick = untickedSubmit && !ticked;
  return html`<${Dialog} open=${open} title=${t("eraseTitle", { name: customer.name })} onClose=${onClose}>
    <form id="erase-form" class="dialog-form" onSubmit=${submit} novalidate>
      <p>${t("eraseWhat")}</p>
      <p>${t("eraseKept", { points: formatPoints(customer.balance) })}</p>
      <p><strong>${t("eraseFinal")}</strong></p>
      <div class="field check">
        <input id="erase-confirm" ref=${box} type="checkbox" name="confirm" checked=${ticked} required
          aria-invalid=${showTick ? "true" : undefined} aria-describedby=${showTick ? "erase-confirm-error" : undefined}
          onChange=${(event) => setTicked(event.currentTarget.checked)} />
        <label for="erase-confirm">${t("eraseConfirm", { name: customer.name })}</label>
      </div>
      ${showTick ? html`<p class="field-error" id="erase-confirm-error">${t("eraseTick")}</p>` : null}
      <${ErrorMessage} error=${action.error} />
      <div class="actions">
        <button type="submit" id="erase-submit" class="danger" disabled=${action.pending}>${t("eraseSubmit")}</button>
        <button type="button" onClick=${onClose}>${t("cancel")}</button>
      </div>
    </form>
  <//>`;
}

/**
 * Starts the browser's download of an export's file: the link is the API's (this origin locally, a
 * presigned S3 address on AWS), served as an attachment, so the page stays where it is.
 */
function startDownload(link) {
  const anchor = document.createElement("a");
  anchor.href = link;
  anchor.download = "";
  anchor.rel = "noopener";
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

/** "Export this customer's data": one intended export per press (its Idempotency-Key kept for a retry). */
export function ExportData({ customerId }) {
  const action = useAction();
  const [made, setMade] = useState(undefined);
  const run = async () => {
    setMade(undefined);
    const answer = await action.run((key) =>
      send("POST", `/v1/customers/${encodeURIComponent(customerId)}/export`, undefined, key, {
        // The file is written during the request: a long history takes longer than a plain call.
        timeoutMs: 30_000,
      }),
    );
    if (!answer) return;
    setMade(answer.export);
    startDownload(answer.export.link);
  };
  return html`<div class="export">
    <button type="button" id="export-data" onClick=${run} disabled=${action.pending}>${t("export")}</button>
    <div role="status" id="export-status">
      ${action.pending ? html`<p class="muted">${t("exporting")}</p>` : null}
      ${
        made
          ? html`<p class="success">${t("exported", { entries: formatPoints(made.rows) })}${" "}
            <a href=${made.link} download="" id="export-link">${t("exportAgain")}</a>${" "}${t("exportValid", { time: formatDateTime(made.linkExpiresAt) })}</p>`
          : null
      }
    </div>
    <${ErrorMessage} error=${action.error} onRetry=${run} />
  </div>`;
}

/** The page's "Personal data" section: the export and the erasure, each for the role holding it. */
export function PersonalData({ customer, mayExport, mayErase, onErase }) {
  if (customer.erasedAt || !(mayExport || mayErase)) return null;
  return html`<section aria-labelledby="privacy-h" id="privacy">
    <h2 id="privacy-h">${t("privacy")}</h2>
    <p class="hint">${t("privacyHint")}</p>
    ${mayExport ? html`<${ExportData} customerId=${customer.id} />` : null}
    ${mayErase ? html`<p><button type="button" id="erase-customer" class="danger" onClick=${onErase}>${t("erase")}</button></p>` : null}
  </section>`;
}

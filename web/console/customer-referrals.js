import { useEffect, useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { currentLocale, formatDate, formatDateTime, formatPoints, translator } from "./i18n.js";
import { href } from "./router.js";
import { Dialog, ErrorMessage, Loading, useAction, useLoad } from "./ui.js";

/**
 * A customer's referrals (GET /v1/customers/{id}/referrals, README "Referrals"): their code, the referrals
 * they made and the one they joined by, each with the other member's page, its status and reason in the
 * reader's language, the points each side was paid (or had taken back) and its dates; and, with
 * `referrals:cancel`, the cancellation (POST /v1/referrals/{id}/cancel) behind a confirmation dialog.
 */

export const WORDS = {
  en: {
    referrals: "Referrals",
    code: "Referral code: {code}",
    noCode: "No referral code (the customer joined before referrals).",
    none: "No referrals yet.",
    caption: "The referrals this customer made and the one they joined by, newest first",
    role: "Role",
    other: "Other member",
    status: "Status",
    points: "Points",
    dates: "Dates",
    actions: "Actions",
    referrer: "Referred a friend",
    referee: "Joined with a code",
    friend: "Friend",
    sponsor: "Referrer",
    status_pending: "Pending",
    status_qualified: "Qualified",
    status_rewarded: "Rewarded",
    status_refused: "Refused",
    status_cancelled: "Cancelled",
    waiting: "Waiting for the friend's first purchase or visit until {date}.",
    sidePoints: "{side}: {points} points",
    paid: "paid",
    takenBack: "taken back",
    unpaid: "not paid",
    joined: "Joined {date}",
    deadline: "Deadline {date}",
    updated: "Updated {date}",
    cancel: "Cancel referral",
    cancelOf: "Cancel referral with {name}",
    cancelTitle: "Cancel this referral?",
    cancelWhat:
      "Each reward it paid is taken back: {referrer} points from the referrer and {referee} points from the friend, never below zero (what a balance no longer covers is not collected later). A pending referral simply stops: the friend's next purchase earns as usual.",
    cancelFinal: "This cannot be undone.",
    cancelSubmit: "Cancel the referral",
    keep: "Keep it",
    cancelled: "Referral cancelled: the rewards it paid were taken back.",
  },
  fr: {
    referrals: "Parrainages",
    code: "Code de parrainage : {code}",
    noCode: "Pas de code de parrainage (le client s'est inscrit avant les parrainages).",
    none: "Aucun parrainage pour l'instant.",
    caption:
      "Les parrainages faits par ce client et celui par lequel il s'est inscrit, le plus récent en premier",
    role: "Rôle",
    other: "Autre membre",
    status: "Statut",
    points: "Points",
    dates: "Dates",
    actions: "Actions",
    referrer: "A parrainé un ami",
    referee: "Inscrit avec un code",
    friend: "Filleul",
    sponsor: "Parrain",
    status_pending: "En attente",
    status_qualified: "Qualifié",
    status_rewarded: "Récompensé",
    status_refused: "Refusé",
    status_cancelled: "Annulé",
    waiting: "En attente du premier achat ou passage du filleul jusqu'au {date}.",
    sidePoints: "{side} : {points} points",
    paid: "versés",
    takenBack: "repris",
    unpaid: "non versés",
    joined: "Inscription le {date}",
    deadline: "Date limite le {date}",
    updated: "Mis à jour le {date}",
    cancel: "Annuler le parrainage",
    cancelOf: "Annuler le parrainage avec {name}",
    cancelTitle: "Annuler ce parrainage ?",
    cancelWhat:
      "Chaque récompense versée est reprise : {referrer} points au parrain et {referee} points au filleul, jamais en dessous de zéro (ce qu'un solde ne couvre plus n'est pas repris plus tard). Un parrainage en attente s'arrête simplement : le prochain achat du filleul rapporte comme d'habitude.",
    cancelFinal: "C'est irréversible.",
    cancelSubmit: "Annuler le parrainage",
    keep: "Le garder",
    cancelled: "Parrainage annulé : les récompenses versées ont été reprises.",
  },
};
const t = translator(WORDS);

/** Names of the members a list links to, read once each; the first 20 (a name that cannot be read shows the id). */
function useNames(ids) {
  const [names, setNames] = useState({});
  const wanted = [...new Set(ids)].slice(0, 20).join(",");
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    Promise.all(
      wanted.split(",").map((id) =>
        get(`/v1/customers/${encodeURIComponent(id)}`).then(
          (found) => [id, found.customer.name],
          () => [id, ""],
        ),
      ),
    ).then((pairs) => current && setNames(Object.fromEntries(pairs)));
    return () => {
      current = false;
    };
  }, [wanted]);
  return (id) => names[id] || id;
}

/** One side's reward: what the program offered it, and whether it was paid or taken back. */
function sidePoints(side, points, entryId, reversalId) {
  const state = reversalId ? t("takenBack") : entryId ? t("paid") : t("unpaid");
  return `${t("sidePoints", { side, points: formatPoints(points) })}, ${state}`;
}

/** Refused and cancelled referrals have nothing left to cancel. */
const cancellable = (referral) => ["pending", "qualified", "rewarded"].includes(referral.status);

function Row({ referral, name, actions, onCancel }) {
  const otherId = referral.role === "referrer" ? referral.refereeId : referral.referrerId;
  const reason = referral.explanation?.[currentLocale()] ?? referral.explanation?.en;
  return html`<tr data-referral=${referral.id} data-role=${referral.role}>
    <td>${t(referral.role)}</td>
    <td>
      <span class="muted">${t(referral.role === "referrer" ? "friend" : "sponsor")}</span><br />
      <a href=${href(`/customers/${encodeURIComponent(otherId)}`)}>${name(otherId)}</a>
    </td>
    <td class="referral-status">
      <strong>${t(`status_${referral.status}`)}</strong>
      ${reason ? html`<br /><span class="referral-reason">${reason}</span>` : null}
      ${referral.status === "pending" ? html`<br /><span>${t("waiting", { date: formatDate(referral.deadline) })}</span>` : null}
    </td>
    <td class="referral-points">
      ${sidePoints(t("sponsor"), referral.referrerPoints, referral.referrerEntryId, referral.referrerReversalId)}
      <br />${sidePoints(t("friend"), referral.refereePoints, referral.refereeEntryId, referral.refereeReversalId)}
    </td>
    <td>
      ${t("joined", { date: formatDateTime(referral.createdAt) })}
      <br />${t("deadline", { date: formatDate(referral.deadline) })}
      ${referral.updatedAt !== referral.createdAt ? html`<br />${t("updated", { date: formatDateTime(referral.updatedAt) })}` : null}
    </td>
    ${
      actions
        ? html`<td>${
            cancellable(referral)
              ? html`<button type="button" class="referral-cancel" aria-label=${t("cancelOf", { name: name(otherId) })}
                  onClick=${() => onCancel(referral)}>${t("cancel")}</button>`
              : null
          }</td>`
        : null
    }
  </tr>`;
}

/** The confirmation; `onDone(referral)` once the API cancelled it. */
function CancelDialog({ referral, onClose, onDone }) {
  const action = useAction();
  useEffect(() => action.reset(), [referral?.id]);
  const submit = async (event) => {
    event.preventDefault();
    const answer = await action.run((key) =>
      send("POST", `/v1/referrals/${encodeURIComponent(referral.id)}/cancel`, {}, key),
    );
    if (answer) onDone(answer.referral);
  };
  return html`<${Dialog} open=${Boolean(referral)} title=${t("cancelTitle")} onClose=${onClose}>
    ${
      referral
        ? html`<form id="referral-cancel-form" class="dialog-form" onSubmit=${submit}>
            <p>${t("cancelWhat", { referrer: formatPoints(referral.referrerPoints), referee: formatPoints(referral.refereePoints) })}</p>
            <p><strong>${t("cancelFinal")}</strong></p>
            <${ErrorMessage} error=${action.error} />
            <div class="actions">
              <button type="submit" id="referral-cancel-submit" class="danger" disabled=${action.pending}>${t("cancelSubmit")}</button>
              <button type="button" onClick=${onClose}>${t("keep")}</button>
            </div>
          </form>`
        : null
    }
  <//>`;
}

/** The section; `onChanged(text)` after a cancellation, for the page to say it and read the balance again. */
export function Referrals({ customerId, version, mayCancel, onChanged }) {
  const [cancelling, setCancelling] = useState(undefined);
  const listed = useLoad(
    () => get(`/v1/customers/${encodeURIComponent(customerId)}/referrals`),
    [customerId, version],
  );
  const referrals = listed.data?.referrals ?? [];
  const name = useNames(referrals.map((r) => (r.role === "referrer" ? r.refereeId : r.referrerId)));
  // The column only when a row has its button.
  const actions = mayCancel && referrals.some(cancellable);
  return html`<section aria-labelledby="referrals-h" id="referrals">
    <h2 id="referrals-h">${t("referrals")}</h2>
    ${listed.loading && !listed.data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${listed.error} onRetry=${listed.reload} />
    ${
      listed.data
        ? html`<p id="referral-code">${
            listed.data.referralCode
              ? t("code", { code: listed.data.referralCode })
              : html`<span class="muted">${t("noCode")}</span>`
          }</p>`
        : null
    }
    ${listed.data && referrals.length === 0 ? html`<p class="muted">${t("none")}</p>` : null}
    ${
      referrals.length
        ? html`<div class="table-scroll"><table id="referrals-table">
          <caption>${t("caption")}</caption>
          <thead>
            <tr>
              <th scope="col">${t("role")}</th>
              <th scope="col">${t("other")}</th>
              <th scope="col">${t("status")}</th>
              <th scope="col">${t("points")}</th>
              <th scope="col">${t("dates")}</th>
              ${actions ? html`<th scope="col">${t("actions")}</th>` : null}
            </tr>
          </thead>
          <tbody>
            ${referrals.map(
              (referral) =>
                html`<${Row} key=${referral.id} referral=${referral} name=${name} actions=${actions} onCancel=${setCancelling} />`,
            )}
          </tbody>
        </table></div>`
        : null
    }
    ${
      mayCancel
        ? html`<${CancelDialog}
            referral=${cancelling}
            onClose=${() => setCancelling(undefined)}
            onDone=${() => {
              setCancelling(undefined);
              onChanged(t("cancelled"));
            }}
          />`
        : null
    }
  </section>`;
}

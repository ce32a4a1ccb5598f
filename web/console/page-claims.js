import { useEffect, useRef, useState } from "preact/hooks";
import { DecisionDialog } from "./claims-decision.js";
import { get } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, formatMoney, formatPoints, translator } from "./i18n.js";
import { href, navigate } from "./router.js";
import { canUseLocation, useSession } from "./session.js";
import { ApiText, ErrorMessage, Loading, Page, Pager, useLoad } from "./ui.js";

/**
 * The claims queue (GET /v1/claims): what each customer says they were not credited, what the automatic
 * match found in their history, the points proposed, and approve or reject, for `claims:review`.
 */

export const WORDS = {
  en: {
    title: "Claims",
    status: "Status",
    show: "Show",
    status_pending: "To review",
    status_already_credited: "Already credited",
    status_approved: "Approved",
    status_rejected: "Rejected",
    list: "Claims: {status}",
    none_pending: "No claim is waiting for review.",
    none: "No claim in this status.",
    claimOf: "{name}, {date}",
    customer: "Customer",
    when: "When",
    location: "Location",
    purchase: "Purchase",
    receipt: "receipt {number}",
    noAmount: "no amount given",
    said: "The customer wrote",
    match: "Automatic match",
    match_already_credited: "Already credited: this entry matches the claim.",
    match_amount_differs: "A purchase was credited then for another amount.",
    match_other_location: "The visit or purchase was credited at another location ({location}).",
    match_no_match: "Nothing in the customer's history matches this claim.",
    found: "Found: {points} points on {date}",
    proposal: "Proposed",
    proposalPoints: "{points} points",
    noProposal: "Nothing proposed: the reviewer decides the points.",
    decided: "Decision",
    decidedApproved: "Approved on {date}: {points} points credited",
    decidedRejected: "Rejected on {date}",
    reasonGiven: "Reason given: {reason}",
    approve: "Approve",
    reject: "Reject",
    notAllowed: "Your role does not review claims.",
  },
  fr: {
    title: "Réclamations",
    status: "Statut",
    show: "Afficher",
    status_pending: "À examiner",
    status_already_credited: "Déjà créditées",
    status_approved: "Acceptées",
    status_rejected: "Refusées",
    list: "Réclamations : {status}",
    none_pending: "Aucune réclamation n'attend d'examen.",
    none: "Aucune réclamation dans ce statut.",
    claimOf: "{name}, {date}",
    customer: "Client",
    when: "Quand",
    location: "Établissement",
    purchase: "Achat",
    receipt: "ticket {number}",
    noAmount: "pas de montant indiqué",
    said: "Le client a écrit",
    match: "Rapprochement automatique",
    match_already_credited: "Déjà crédité : cette opération correspond à la réclamation.",
    match_amount_differs: "Un achat a été crédité à ce moment pour un autre montant.",
    match_other_location: "La visite ou l'achat a été crédité dans un autre établissement ({location}).",
    match_no_match: "Rien dans l'historique du client ne correspond à cette réclamation.",
    found: "Trouvé : {points} points le {date}",
    proposal: "Proposition",
    proposalPoints: "{points} points",
    noProposal: "Rien n'est proposé : la personne qui examine décide des points.",
    decided: "Décision",
    decidedApproved: "Acceptée le {date} : {points} points crédités",
    decidedRejected: "Refusée le {date}",
    reasonGiven: "Raison donnée : {reason}",
    approve: "Accepter",
    reject: "Refuser",
    notAllowed: "Votre rôle ne permet pas d'examiner les réclamations.",
  },
};
const t = translator(WORDS);

const STATUSES = ["pending", "already_credited", "approved", "rejected"];

/** A page of claims with the names of their customers and locations. */
async function loadClaims(status, cursor) {
  const [page, locations] = await Promise.all([
    get("/v1/claims", { status, cursor, limit: 25 }),
    get("/v1/locations"),
  ]);
  const ids = [...new Set(page.claims.map((claim) => claim.customerId))];
  const customers = await Promise.all(
    ids.map((id) => get(`/v1/customers/${encodeURIComponent(id)}`).then((body) => body.customer)),
  );
  return {
    ...page,
    customerName: (id) => customers.find((customer) => customer.id === id)?.name ?? id,
    locationName: (id) => locations.locations.find((location) => location.id === id)?.name ?? id,
  };
}

function Claim({ claim, names, canDecide, onDecide }) {
  const session = useSession();
  const name = names.customerName(claim.customerId);
  const { match, decision } = claim;
  const here = canUseLocation(session, claim.locationId);
  const headingId = `claim-${claim.id}`;
  return html`<li class="card">
    <h2 id=${headingId}>${t("claimOf", { name, date: formatDateTime(claim.occurredAt) })}</h2>
    <dl class="facts">
      <dt>${t("customer")}</dt>
      <dd><a href=${href(`/customers/${encodeURIComponent(claim.customerId)}`)}>${name}</a></dd>
      <dt>${t("location")}</dt>
      <dd>${names.locationName(claim.locationId)}</dd>
      <dt>${t("purchase")}</dt>
      <dd>
        ${claim.amount && claim.currency ? formatMoney(claim.amount, claim.currency) : t("noAmount")}
        ${claim.receiptNumber ? html`, ${t("receipt", { number: claim.receiptNumber })}` : null}
      </dd>
      <dt>${t("said")}</dt>
      <dd>${claim.description}</dd>
      <dt>${t("match")}</dt>
      <dd>
        ${t(`match_${match.outcome}`, { location: match.entry ? names.locationName(match.entry.locationId ?? "") : "" })}
        ${
          match.entry
            ? html`<br />${t("found", { points: formatPoints(match.entry.points), date: formatDateTime(match.entry.at) })}: <${ApiText} text=${match.entry.explanation} />`
            : null
        }
      </dd>
      <dt>${t("proposal")}</dt>
      <dd>
        ${
          match.proposal
            ? html`<strong>${t("proposalPoints", { points: formatPoints(match.proposal.points) })}</strong>: <${ApiText} text=${match.proposal.explanation} />`
            : t("noProposal")
        }
      </dd>
      ${
        decision
          ? html`<dt>${t("decided")}</dt>
            <dd>
              ${
                claim.status === "approved"
                  ? t("decidedApproved", {
                      date: formatDateTime(decision.at),
                      points: formatPoints(decision.points ?? 0),
                    })
                  : html`${t("decidedRejected", { date: formatDateTime(decision.at) })}<br />${t("reasonGiven", { reason: decision.reason })}`
              }
            </dd>`
          : null
      }
    </dl>
    ${
      claim.status === "pending" && here
        ? html`<div class="actions">
          ${
            canDecide.approve
              ? html`<button type="button" class="primary" onClick=${(event) => onDecide("approve", claim, name, event)}>
                ${t("approve")}<span class="visually-hidden"> — ${name}</span>
              </button>`
              : null
          }
          <button type="button" class="danger" onClick=${(event) => onDecide("reject", claim, name, event)}>
            ${t("reject")}<span class="visually-hidden"> — ${name}</span>
          </button>
        </div>`
        : null
    }
  </li>`;
}

export default function ClaimsPage({ query }) {
  const session = useSession();
  const status = STATUSES.includes(query.status) ? query.status : "pending";
  const cursor = query.cursor;
  const allowed = session.can("claims:review");
  const loaded = useLoad(
    () => (allowed ? loadClaims(status, cursor) : Promise.resolve(undefined)),
    [allowed, status, cursor],
  );
  const [dialog, setDialog] = useState({ open: false, opening: 0, decision: undefined });
  const [message, setMessage] = useState(undefined);
  const statusRef = useRef(null);
  // Once the decided item is drawn again (its buttons gone), the outcome takes the focus.
  const focusOutcome = useRef(false);
  useEffect(() => {
    if (!focusOutcome.current || loaded.loading) return;
    focusOutcome.current = false;
    statusRef.current?.focus();
  }, [loaded.loading, message]);

  if (!allowed) return html`<${Page} title=${t("title")}><p>${t("notAllowed")}</p><//>`;

  const onDecide = (kind, claim, name) => {
    setMessage(undefined);
    setDialog((current) => ({ open: true, opening: current.opening + 1, decision: { kind, claim, name } }));
  };
  const onDone = (text) => {
    setDialog((current) => ({ ...current, open: false }));
    setMessage({ view: `${status}/${cursor ?? ""}`, text });
    loaded.reload();
    focusOutcome.current = true;
  };
  const canDecide = { approve: session.can("points:adjust") };
  const filter = (event) => {
    event.preventDefault();
    navigate("/claims", { status: new FormData(event.currentTarget).get("status") });
  };
  const data = loaded.data;

  return html`<${Page} title=${t("title")}>
    <form class="filters" onSubmit=${filter}>
      <div class="field">
        <label for="claims-status">${t("status")}</label>
        <select id="claims-status" name="status" value=${status}>
          ${STATUSES.map((value) => html`<option value=${value}>${t(`status_${value}`)}</option>`)}
        </select>
      </div>
      <button type="submit">${t("show")}</button>
    </form>
    <div role="status" tabindex="-1" ref=${statusRef} class="redemption-status">
      ${message?.view === `${status}/${cursor ?? ""}` ? html`<p class="success" id="claims-message">${message.text}</p>` : null}
    </div>
    ${loaded.loading && !data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${loaded.error} onRetry=${loaded.reload} />
    ${
      data
        ? html`<section aria-labelledby="claims-list">
          <p class="muted" id="claims-list">${t("list", { status: t(`status_${status}`) })}</p>
          ${data.claims.length === 0 ? html`<p>${status === "pending" ? t("none_pending") : t("none")}</p>` : null}
          <ul class="claims">
            ${data.claims.map(
              (claim) =>
                html`<${Claim} key=${claim.id} claim=${claim} names=${data} canDecide=${canDecide} onDecide=${onDecide} />`,
            )}
          </ul>
          <${Pager} nextCursor=${data.nextCursor} cursor=${cursor} onPage=${(next) => navigate("/claims", { status, cursor: next })} />
        </section>`
        : null
    }
    <${DecisionDialog}
      key=${dialog.opening}
      open=${dialog.open}
      decision=${dialog.decision}
      onClose=${() => setDialog((current) => ({ ...current, open: false }))}
      onDone=${onDone}
    />
  <//>`;
}

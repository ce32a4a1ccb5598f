import { useEffect, useRef, useState } from "preact/hooks";
import { reasonText, signedPoints, typeText } from "./activity-entries.js";
import { ApiProblem, get, send } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, formatPoints, translator } from "./i18n.js";
import { textArea } from "./redemption-textarea.js";
import { href, navigate } from "./router.js";
import { useSession } from "./session.js";
import {
  ApiText,
  Dialog,
  ErrorMessage,
  errorText,
  Field,
  Loading,
  Page,
  Pager,
  useAction,
  useLoad,
} from "./ui.js";

/**
 * Alerts and holds, for `alerts:review` (README "Fraud and abuse alerts"): the manual points held for a
 * second person (GET /v1/holds), approved (POST …/approve, which the API refuses to the one who asked:
 * its reason is shown as it gives it) or rejected with a reason; and the alerts the velocity rules made
 * (GET /v1/alerts), each with the entries that made it fire, linking to their customers.
 */

export const WORDS = {
  en: {
    title: "Alerts and holds",
    notAllowed: "Your role does not let you review alerts.",
    holds: "Points waiting for approval",
    holdsHint:
      "Manual points above the limit set in the settings are kept here until another staff member approves or rejects them.",
    holdsCaption: "Pending requests, newest first",
    holdsNone: "No points are waiting for approval.",
    asked: "Asked",
    customer: "Customer",
    points: "Points",
    reason: "Reason",
    note: "Note",
    askedBy: "Asked by",
    actions: "Actions",
    approve: "Approve",
    reject: "Reject",
    approveLabel: "Approve {points} points for {name}",
    rejectLabel: "Reject {points} points for {name}",
    approved: "Approved: {points} points for {name}. New balance: {balance} points.",
    rejected: "Rejected: {points} points for {name}. Nothing was credited.",
    refused: "{points} points for {name} were not approved:",
    rejectTitle: "Reject {points} points for {name}",
    rejectReason: "Reason",
    rejectHint: "Optional, for the records (at most 500 characters).",
    rejectSubmit: "Reject the points",
    cancel: "Cancel",
    alerts: "Alerts",
    alertsHint: "Made by the rules in the settings, seconds after the entries; newest first.",
    alertsNone: "No alert so far.",
    rule_customerEarnsPerDay: "More than {threshold} earns in a day by one customer",
    rule_staffEntriesPerHour: "More than {threshold} points entries in an hour by one staff member",
    rule_manualPointsAbove: "Manual points above {threshold}",
    rule_earnsOutsideHoursPerDay:
      "More than {threshold} earns outside opening hours in a day at one location",
    observed_customerEarnsPerDay: "{observed} earns",
    observed_staffEntriesPerHour: "{observed} entries",
    observed_manualPointsAbove: "{observed} points",
    observed_earnsOutsideHoursPerDay: "{observed} earns outside opening hours",
    subject: "About",
    window: "When",
    windowRange: "{start} to {end}",
    observed: "Counted",
    entriesCaption: "The entries that made it fire, oldest first",
    time: "Time",
    type: "Type",
    staff: "Staff member",
    location: "Location",
    unknownCustomer: "Customer {id}",
  },
  fr: {
    title: "Alertes et validations",
    notAllowed: "Votre rôle ne permet pas d'examiner les alertes.",
    holds: "Points en attente de validation",
    holdsHint:
      "Les points manuels au-delà de la limite fixée dans les réglages attendent ici qu'un autre membre de l'équipe les accepte ou les refuse.",
    holdsCaption: "Demandes en attente, la plus récente en premier",
    holdsNone: "Aucun point n'attend de validation.",
    asked: "Demandé le",
    customer: "Client",
    points: "Points",
    reason: "Motif",
    note: "Note",
    askedBy: "Demandé par",
    actions: "Actions",
    approve: "Accepter",
    reject: "Refuser",
    approveLabel: "Accepter {points} points pour {name}",
    rejectLabel: "Refuser {points} points pour {name}",
    approved: "Accepté : {points} points pour {name}. Nouveau solde : {balance} points.",
    rejected: "Refusé : {points} points pour {name}. Rien n'a été crédité.",
    refused: "Les {points} points pour {name} n'ont pas été acceptés :",
    rejectTitle: "Refuser {points} points pour {name}",
    rejectReason: "Raison",
    rejectHint: "Facultative, pour vos archives (500 caractères au plus).",
    rejectSubmit: "Refuser les points",
    cancel: "Annuler",
    alerts: "Alertes",
    alertsHint:
      "Créées par les règles des réglages, quelques secondes après les opérations ; la plus récente en premier.",
    alertsNone: "Aucune alerte pour l'instant.",
    rule_customerEarnsPerDay: "Plus de {threshold} gains de points en un jour pour un client",
    rule_staffEntriesPerHour:
      "Plus de {threshold} opérations de points en une heure par un membre de l'équipe",
    rule_manualPointsAbove: "Points manuels au-delà de {threshold}",
    rule_earnsOutsideHoursPerDay:
      "Plus de {threshold} gains de points hors des heures d'ouverture en un jour dans un établissement",
    observed_customerEarnsPerDay: "{observed} gains de points",
    observed_staffEntriesPerHour: "{observed} opérations",
    observed_manualPointsAbove: "{observed} points",
    observed_earnsOutsideHoursPerDay: "{observed} gains de points hors des heures d'ouverture",
    subject: "Concerne",
    window: "Quand",
    windowRange: "du {start} au {end}",
    observed: "Compté",
    entriesCaption: "Les opérations qui l'ont déclenchée, la plus ancienne en premier",
    time: "Date",
    type: "Type",
    staff: "Membre de l'équipe",
    location: "Établissement",
    unknownCustomer: "Client {id}",
  },
};
const t = translator(WORDS);

/** Names looked up for at most this many customers a page: an alert may list a thousand entries. */
const NAMED_CUSTOMERS = 50;

/** The names of customers, staff and locations a page mentions (ids where the role may not read them). */
async function loadNames(session, customerIds) {
  const ids = [...new Set(customerIds)].slice(0, NAMED_CUSTOMERS);
  const [customers, staff, locations] = await Promise.all([
    Promise.all(
      ids.map((id) =>
        get(`/v1/customers/${encodeURIComponent(id)}`).then(
          (body) => body.customer,
          () => undefined,
        ),
      ),
    ),
    session.can("staff:manage") ? get("/v1/staff").then((body) => body.staff) : Promise.resolve([]),
    get("/v1/locations").then(
      (body) => body.locations,
      () => [],
    ),
  ]);
  return {
    customerName: (id) =>
      customers.find((customer) => customer?.id === id)?.name || t("unknownCustomer", { id }),
    staffName: (id) =>
      staff.find((member) => member.id === id)?.name ?? (id === session.staff.id ? session.staff.name : id),
    locationName: (id) => locations.find((location) => location.id === id)?.name ?? id,
  };
}

const outcomeText = ({ key, params }) =>
  t(key, { ...params, ...(params.balance !== undefined ? { balance: formatPoints(params.balance) } : {}) });

const customerLink = (names, id) =>
  html`<a href=${href(`/customers/${encodeURIComponent(id)}`)}>${names.customerName(id)}</a>`;

/** Rejecting a hold, with an optional reason; mounted afresh for each opening (one Idempotency-Key each). */
function RejectDialog({ open, hold, name, onClose, onDone }) {
  const action = useAction();
  const [reason, setReason] = useState("");
  const points = hold ? signedPoints(hold.points) : "";
  const submit = async (event) => {
    event.preventDefault();
    const body = reason.trim() ? { reason: reason.trim() } : {};
    const answer = await action.run((key) =>
      send("POST", `/v1/holds/${encodeURIComponent(hold.id)}/reject`, body, key),
    );
    if (answer) onDone(answer.hold);
  };
  return html`<${Dialog} open=${open} title=${t("rejectTitle", { points, name })} onClose=${onClose}>
    <form id="hold-reject-form" class="dialog-form" onSubmit=${submit} novalidate>
      <${Field} id="hold-reject-reason" label=${t("rejectReason")} hint=${t("rejectHint")} error=${action.error} field="reason">
        ${textArea(reason, (event) => {
          setReason(event.currentTarget.value);
          if (action.error) action.reset();
        })}
      <//>
      <${ErrorMessage} error=${action.error} />
      <div class="actions">
        <button type="submit" class="danger" disabled=${action.pending}>${t("rejectSubmit")}</button>
        <button type="button" onClick=${onClose}>${t("cancel")}</button>
      </div>
    </form>
  <//>`;
}

function HoldRow({ hold, names, mayApprove, onApprove, onReject, pending }) {
  const name = names.customerName(hold.customerId);
  const points = signedPoints(hold.points);
  return html`<tr data-hold=${hold.id}>
    <td>${formatDateTime(hold.createdAt)}</td>
    <td>${customerLink(names, hold.customerId)}</td>
    <td class="num">${points}</td>
    <td>${reasonText(hold.reason)}</td>
    <td>${hold.note ?? ""}</td>
    <td>${names.staffName(hold.requestedBy)}</td>
    <td class="row-actions">
      ${
        mayApprove
          ? html`<button type="button" class="primary approve" aria-label=${t("approveLabel", { points, name })}
            disabled=${pending} onClick=${() => onApprove(hold, name)}>${t("approve")}</button>`
          : null
      }
      <button type="button" class="danger reject" aria-label=${t("rejectLabel", { points, name })}
        disabled=${pending} onClick=${(event) => onReject(hold, name, event)}>${t("reject")}</button>
    </td>
  </tr>`;
}

function Holds({ cursor, onPage, onChanged }) {
  const session = useSession();
  const loaded = useLoad(async () => {
    const page = await get("/v1/holds", { limit: 25, cursor });
    return {
      ...page,
      names: await loadNames(
        session,
        page.holds.map((hold) => hold.customerId),
      ),
    };
  }, [cursor]);
  const approval = useAction();
  const [outcome, setOutcome] = useState(undefined);
  const [rejecting, setRejecting] = useState({ opening: 0, open: false });
  const statusRef = useRef(null);
  useEffect(() => {
    if (outcome) statusRef.current?.focus();
  }, [outcome]);

  const approve = async (hold, name) => {
    setOutcome(undefined);
    const answer = await approval.run((key) =>
      send("POST", `/v1/holds/${encodeURIComponent(hold.id)}/approve`, undefined, key),
    );
    const points = signedPoints(hold.points);
    // Kept as words and values, so the sentence follows a change of language.
    if (answer) {
      setOutcome({
        ok: true,
        key: "approved",
        params: { points, name, balance: answer.transaction.balanceAfter },
      });
      loaded.reload();
      onChanged();
    } else {
      setOutcome({ ok: false, key: "refused", params: { points, name } });
    }
  };
  const data = loaded.data;
  return html`<section aria-labelledby="holds-h" id="holds">
    <h2 id="holds-h">${t("holds")}</h2>
    <p class="hint">${t("holdsHint")}</p>
    <div tabindex="-1" ref=${statusRef} id="holds-status" role="status">
      ${outcome?.ok ? html`<p class="success">${outcomeText(outcome)}</p>` : null}
    </div>
    ${
      outcome && !outcome.ok
        ? html`<div class="error" role="alert" id="holds-refusal"><p>${outcomeText(outcome)}${" "}${
            approval.error instanceof ApiProblem
              ? html`<${ApiText} text=${approval.error.message} />`
              : errorText(approval.error)
          }</p></div>`
        : null
    }
    ${loaded.loading && !data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${loaded.error} onRetry=${loaded.reload} />
    ${data && data.holds.length === 0 ? html`<p class="muted">${t("holdsNone")}</p>` : null}
    ${
      data?.holds.length
        ? html`<div class="table-scroll"><table id="holds-table">
          <caption>${t("holdsCaption")}</caption>
          <thead><tr>
            <th scope="col">${t("asked")}</th>
            <th scope="col">${t("customer")}</th>
            <th scope="col" class="num">${t("points")}</th>
            <th scope="col">${t("reason")}</th>
            <th scope="col">${t("note")}</th>
            <th scope="col">${t("askedBy")}</th>
            <th scope="col">${t("actions")}</th>
          </tr></thead>
          <tbody>
            ${data.holds.map(
              (hold) => html`<${HoldRow}
                key=${hold.id}
                hold=${hold}
                names=${data.names}
                mayApprove=${session.can("points:adjust")}
                pending=${approval.pending}
                onApprove=${approve}
                onReject=${(held, name) => {
                  setOutcome(undefined);
                  setRejecting((current) => ({ opening: current.opening + 1, open: true, hold: held, name }));
                }}
              />`,
            )}
          </tbody>
        </table></div>`
        : null
    }
    ${data ? html`<${Pager} nextCursor=${data.nextCursor} cursor=${cursor} onPage=${onPage} />` : null}
    <${RejectDialog}
      key=${rejecting.opening}
      open=${rejecting.open}
      hold=${rejecting.hold}
      name=${rejecting.name}
      onClose=${() => setRejecting((current) => ({ ...current, open: false }))}
      onDone=${(hold) => {
        setRejecting((current) => ({ ...current, open: false }));
        setOutcome({
          ok: true,
          key: "rejected",
          params: { points: signedPoints(hold.points), name: rejecting.name },
        });
        loaded.reload();
      }}
    />
  </section>`;
}

function subjectOf(alert, names) {
  if (alert.subject.customerId) return customerLink(names, alert.subject.customerId);
  if (alert.subject.staffId) return names.staffName(alert.subject.staffId);
  return names.locationName(alert.subject.locationId);
}

function AlertItem({ alert, names }) {
  const single = alert.window.start === alert.window.end;
  return html`<li class="card alert" data-alert=${alert.id} data-rule=${alert.rule}>
    <h3>${t(`rule_${alert.rule}`, { threshold: formatPoints(alert.threshold) })}</h3>
    <dl class="facts">
      <dt>${t("subject")}</dt>
      <dd>${subjectOf(alert, names)}</dd>
      <dt>${t("window")}</dt>
      <dd>${
        single
          ? formatDateTime(alert.window.start)
          : t("windowRange", {
              start: formatDateTime(alert.window.start),
              end: formatDateTime(alert.window.end),
            })
      }</dd>
      <dt>${t("observed")}</dt>
      <dd>${t(`observed_${alert.rule}`, { observed: formatPoints(alert.observed) })}</dd>
    </dl>
    <div class="table-scroll"><table class="alert-entries">
      <caption>${t("entriesCaption")}</caption>
      <thead><tr>
        <th scope="col">${t("time")}</th>
        <th scope="col">${t("type")}</th>
        <th scope="col" class="num">${t("points")}</th>
        <th scope="col">${t("customer")}</th>
        <th scope="col">${t("staff")}</th>
        <th scope="col">${t("location")}</th>
      </tr></thead>
      <tbody>
        ${alert.entries.map(
          (entry) => html`<tr key=${entry.id} data-entry=${entry.id}>
            <td>${formatDateTime(entry.createdAt)}</td>
            <td>${typeText(entry.type)}</td>
            <td class="num">${signedPoints(entry.points)}</td>
            <td>${customerLink(names, entry.customerId)}</td>
            <td>${entry.staffId ? names.staffName(entry.staffId) : ""}</td>
            <td>${entry.locationId ? names.locationName(entry.locationId) : ""}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
  </li>`;
}

function Alerts({ cursor, version, onPage }) {
  const session = useSession();
  const loaded = useLoad(async () => {
    const page = await get("/v1/alerts", { limit: 10, cursor });
    const customers = page.alerts.flatMap((alert) => [
      ...(alert.subject.customerId ? [alert.subject.customerId] : []),
      ...alert.entries.map((entry) => entry.customerId),
    ]);
    return { ...page, names: await loadNames(session, customers) };
  }, [cursor, version]);
  const data = loaded.data;
  return html`<section aria-labelledby="alerts-h" id="alerts">
    <h2 id="alerts-h">${t("alerts")}</h2>
    <p class="hint">${t("alertsHint")}</p>
    ${loaded.loading && !data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${loaded.error} onRetry=${loaded.reload} />
    ${data && data.alerts.length === 0 ? html`<p class="muted">${t("alertsNone")}</p>` : null}
    ${
      data?.alerts.length
        ? html`<ul class="plain alerts">${data.alerts.map((alert) => html`<${AlertItem} key=${alert.id} alert=${alert} names=${data.names} />`)}</ul>`
        : null
    }
    ${data ? html`<${Pager} nextCursor=${data.nextCursor} cursor=${cursor} onPage=${onPage} />` : null}
  </section>`;
}

export default function AlertsPage({ query }) {
  const session = useSession();
  // An approved hold's manual entry can make an alert seconds later: the list is read again after one.
  const [version, setVersion] = useState(0);
  if (!session.can("alerts:review")) return html`<${Page} title=${t("title")}><p>${t("notAllowed")}</p><//>`;
  return html`<${Page} title=${t("title")}>
    <${Holds}
      cursor=${query.holds}
      onPage=${(next) => navigate("/alerts", { ...query, holds: next })}
      onChanged=${() => setVersion((v) => v + 1)}
    />
    <${Alerts} cursor=${query.alerts} version=${version} onPage=${(next) => navigate("/alerts", { ...query, alerts: next })} />
  <//>`;
}

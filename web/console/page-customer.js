import { useEffect, useState } from "preact/hooks";
import { EntryDetails, EntryTime, signedPoints, typeText } from "./activity-entries.js";
import { get } from "./client.js";
import { PointsDialog, ReturnDialog } from "./customer-actions.js";
import { ContactAudit, ContactDialog, ContactFacts, contactText, fieldText } from "./customer-contact.js";
import { EraseDialog, PersonalData, privacyText } from "./customer-privacy.js";
import { Notifications, Reachability } from "./customer-reach.js";
import { Referrals } from "./customer-referrals.js";
import { Tiers } from "./customer-tiers.js";
import { html } from "./html.js";
import { formatDate, formatDateTime, formatPoints, translator } from "./i18n.js";
import { navigate } from "./router.js";
import { useSession } from "./session.js";
import { ErrorMessage, Loading, Page, Pager, useLoad } from "./ui.js";

/**
 * A customer's page: balance and what expires when, how to reach them, their contact details (edited and
 * audited), the explained ledger, the chain check, and the changes the role may make: Issue / Deduct
 * points (the help article's step 4) and a purchase return from a purchase row; the tier standing; the
 * referrals and their cancellation (customer-referrals.js); the access export and the erasure
 * (customer-privacy.js).
 */

export const WORDS = {
  en: {
    notFound: "This customer does not exist.",
    balance: "Balance",
    points: "{points} points",
    expiries: "Upcoming expiries",
    noExpiry: "None of these points is due to expire.",
    expiresOn: "{points} points on {date}",
    inactivity: "{points} points on {date}, unless the customer earns points before",
    issue: "Issue points",
    deduct: "Deduct points",
    edit: "Edit contact details",
    ledger: "Points history",
    ledgerCaption: "Every change to the balance, newest first",
    ledgerNone: "No points yet.",
    time: "Time",
    type: "Type",
    pointsCol: "Points",
    balanceAfter: "Balance after",
    staff: "Staff member",
    location: "Location",
    explanation: "Explanation",
    actions: "Actions",
    purchaseReturn: "Purchase return",
    purchaseReturnOf: "Purchase return: the purchase of {date}",
    issued: "{points} points issued. New balance: {balance} points.",
    deducted: "{points} points deducted. New balance: {balance} points.",
    returned: "Purchase return recorded: {points} points. New balance: {balance} points.",
    contactSaved: "Contact details saved ({fields}).",
    chain: "Ledger check",
    chainHint: "Recomputes every entry's fingerprint to show that no entry was changed or removed.",
    chainRun: "Check the ledger",
    chainValid: "The ledger is intact: its {count} entries follow one another unchanged.",
    chainInvalid: "The ledger is broken at entry {entry} (checked {count} entries):",
    chainInvalidNoEntry: "The ledger is broken (checked {count} entries):",
  },
  fr: {
    notFound: "Ce client n'existe pas.",
    balance: "Solde",
    points: "{points} points",
    expiries: "Prochaines expirations",
    noExpiry: "Aucun de ces points ne doit expirer.",
    expiresOn: "{points} points le {date}",
    inactivity: "{points} points le {date}, sauf si le client gagne des points d'ici là",
    issue: "Attribuer des points",
    deduct: "Retirer des points",
    edit: "Modifier les coordonnées",
    ledger: "Historique des points",
    ledgerCaption: "Chaque mouvement du solde, le plus récent en premier",
    ledgerNone: "Pas encore de points.",
    time: "Date",
    type: "Type",
    pointsCol: "Points",
    balanceAfter: "Solde après",
    staff: "Membre de l'équipe",
    location: "Établissement",
    explanation: "Explication",
    actions: "Actions",
    purchaseReturn: "Retour d'achat",
    purchaseReturnOf: "Retour d'achat : l'achat du {date}",
    issued: "{points} points attribués. Nouveau solde : {balance} points.",
    deducted: "{points} points retirés. Nouveau solde : {balance} points.",
    returned: "Retour d'achat enregistré : {points} points. Nouveau solde : {balance} points.",
    contactSaved: "Coordonnées enregistrées ({fields}).",
    chain: "Vérification de l'historique",
    chainHint:
      "Recalcule l'empreinte de chaque écriture pour montrer qu'aucune n'a été modifiée ni supprimée.",
    chainRun: "Vérifier l'historique",
    chainValid: "L'historique est intact : ses {count} écritures se suivent sans modification.",
    chainInvalid: "L'historique est rompu à l'écriture {entry} ({count} écritures vérifiées) :",
    chainInvalidNoEntry: "L'historique est rompu ({count} écritures vérifiées) :",
  },
};
const t = translator(WORDS);

function Expiries({ expiries }) {
  return html`<div class="card" id="expiries">
    <h2>${t("expiries")}</h2>
    ${
      expiries.length
        ? html`<ul class="plain">${expiries.map(
            (expiry) =>
              html`<li>${t(expiry.kind === "inactivity" ? "inactivity" : "expiresOn", {
                points: formatPoints(expiry.points),
                date: formatDate(expiry.expiresAt),
              })}</li>`,
          )}</ul>`
        : html`<p class="muted">${t("noExpiry")}</p>`
    }
  </div>`;
}

function ChainCheck({ customerId }) {
  const [state, setState] = useState({});
  const run = () => {
    setState({ loading: true });
    get(`/v1/customers/${encodeURIComponent(customerId)}/ledger/verify`).then(
      (verdict) => setState({ verdict }),
      (error) => setState({ error }),
    );
  };
  const { verdict } = state;
  return html`<section aria-labelledby="chain-h">
    <h2 id="chain-h">${t("chain")}</h2>
    <p class="hint" id="chain-hint">${t("chainHint")}</p>
    <button type="button" id="chain-run" aria-describedby="chain-hint" onClick=${run} disabled=${state.loading}>${t("chainRun")}</button>
    <div role="status" id="chain-result">
      ${state.loading ? html`<${Loading} />` : null}
      ${verdict?.valid ? html`<p class="success">${t("chainValid", { count: formatPoints(verdict.entries) })}</p>` : null}
      ${
        verdict && !verdict.valid
          ? html`<p class="warning">${
              verdict.firstInvalidEntryId
                ? t("chainInvalid", {
                    entry: verdict.firstInvalidEntryId,
                    count: formatPoints(verdict.entries),
                  })
                : t("chainInvalidNoEntry", { count: formatPoints(verdict.entries) })
            }${" "}<span lang="en">${verdict.reason}</span></p>`
          : null
      }
    </div>
    <${ErrorMessage} error=${state.error} onRetry=${run} />
  </section>`;
}

function Ledger({ customerId, cursor, version, staffName, locationName, mayReturn, onReturn, onPage }) {
  const ledger = useLoad(
    () => get(`/v1/customers/${encodeURIComponent(customerId)}/ledger`, { limit: 25, cursor }),
    [customerId, cursor, version],
  );
  const entries = ledger.data?.entries ?? [];
  return html`<section aria-labelledby="ledger-h">
    <h2 id="ledger-h">${t("ledger")}</h2>
    ${ledger.loading && !ledger.data ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${ledger.error} onRetry=${ledger.reload} />
    ${ledger.data && entries.length === 0 ? html`<p class="muted">${t("ledgerNone")}</p>` : null}
    ${
      entries.length
        ? html`<div class="table-scroll"><table id="ledger">
          <caption>${t("ledgerCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">${t("time")}</th>
              <th scope="col">${t("type")}</th>
              <th scope="col" class="num">${t("pointsCol")}</th>
              <th scope="col" class="num">${t("balanceAfter")}</th>
              <th scope="col">${t("staff")}</th>
              <th scope="col">${t("location")}</th>
              <th scope="col">${t("explanation")}</th>
              ${mayReturn ? html`<th scope="col">${t("actions")}</th>` : null}
            </tr>
          </thead>
          <tbody>
            ${entries.map(
              (entry) => html`<tr key=${entry.id} data-entry=${entry.id}>
                <td><${EntryTime} entry=${entry} /></td>
                <td>${typeText(entry.type)}</td>
                <td class="num">${signedPoints(entry.points)}</td>
                <td class="num">${formatPoints(entry.balanceAfter)}</td>
                <td>${entry.staffId ? staffName(entry.staffId) : ""}</td>
                <td>${entry.locationId ? locationName(entry.locationId) : ""}</td>
                <td class="explanation"><${EntryDetails} entry=${entry} /></td>
                ${
                  mayReturn
                    ? html`<td>${
                        entry.type === "purchase" && entry.points > 0
                          ? html`<button type="button" class="return" aria-label=${t("purchaseReturnOf", { date: formatDate(entry.createdAt) })}
                          onClick=${() => onReturn(entry)}>${t("purchaseReturn")}</button>`
                          : null
                      }</td>`
                    : null
                }
              </tr>`,
            )}
          </tbody>
        </table></div>`
        : null
    }
    ${ledger.data ? html`<${Pager} nextCursor=${ledger.data.nextCursor} cursor=${cursor} onPage=${onPage} />` : null}
  </section>`;
}

export default function CustomerPage({ params, query }) {
  const { customerId } = params;
  const session = useSession();
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState(undefined);
  const [purchase, setPurchase] = useState(undefined);
  const [message, setMessage] = useState("");
  const found = useLoad(() => get(`/v1/customers/${encodeURIComponent(customerId)}`), [customerId, version]);
  // The balance a change answered with, shown until the customer read again says it (or a later one).
  const [freshBalance, setFreshBalance] = useState(undefined);
  useEffect(() => setFreshBalance(undefined), [found.data]);
  const mayListStaff = session.can("staff:manage");
  const staff = useLoad(() => (mayListStaff ? get("/v1/staff") : Promise.resolve(undefined)), [mayListStaff]);
  const locations = useLoad(() => get("/v1/locations"), []);
  const mayAdjust = session.can("points:adjust");
  const mayEdit = session.can("customers:write");
  const mayExport = session.can("data:export");
  const mayErase = session.can("customers:erase");
  const mayCancelReferrals = session.can("referrals:cancel");

  const staffName = (id) =>
    staff.data?.staff.find((member) => member.id === id)?.name ??
    (id === session.staff.id ? session.staff.name : id);
  const locationName = (id) => locations.data?.locations.find((location) => location.id === id)?.name ?? id;

  /** After a change: the message, the balance and the first ledger page, where the new row is. */
  const changed = (text, balance) => {
    if (balance !== undefined) setFreshBalance(balance);
    setDialog(undefined);
    setPurchase(undefined);
    setMessage(text);
    setVersion((v) => v + 1);
    if (query.ledger)
      navigate(`/customers/${encodeURIComponent(customerId)}`, { ...query, ledger: undefined });
  };

  if (found.error?.status === 404) return html`<${Page} title=${t("notFound")}><//>`;
  if (!found.data) {
    return found.error
      ? html`<${ErrorMessage} error=${found.error} onRetry=${found.reload} />`
      : html`<${Loading} />`;
  }
  const { customer, reachability, upcomingExpiries, tiers } = found.data;
  // An erased member keeps the ledger but no contact to edit; the API would refuse nothing else, the page offers
  // only what still makes sense.
  const erased = Boolean(customer.erasedAt);
  const title = erased ? privacyText("erasedName", { id: customer.id }) : customer.name;
  const editable = mayEdit && !erased;
  const usable = (locations.data?.locations ?? []).filter(
    (location) => session.staff.locationIds === "*" || session.staff.locationIds.includes(location.id),
  );
  const actions = html`${
    mayAdjust
      ? html`<button type="button" id="issue-points" class="primary" onClick=${() => setDialog("issue")}>${t("issue")}</button>
        <button type="button" id="deduct-points" onClick=${() => setDialog("deduct")}>${t("deduct")}</button>`
      : null
  }
    ${editable ? html`<button type="button" id="edit-contact" onClick=${() => setDialog("contact")}>${t("edit")}</button>` : null}`;

  return html`<${Page} title=${title} actions=${mayAdjust || editable ? actions : undefined}>
    <p role="status" id="customer-status" class=${message ? "success" : ""}>${message}</p>
    ${erased ? html`<p class="notice" id="customer-erased">${privacyText("erasedBanner", { date: formatDateTime(customer.erasedAt) })}</p>` : null}
    <div class="cards customer-cards">
      <div class="card">
        <h2>${t("balance")}</h2>
        <p class="big" id="customer-balance">${t("points", { points: formatPoints(freshBalance ?? customer.balance) })}</p>
      </div>
      <${Expiries} expiries=${upcomingExpiries ?? []} />
      <${Tiers} tiers=${tiers} />
      <${Reachability} reachability=${reachability} />
    </div>
    <section aria-labelledby="contact-h">
      <h2 id="contact-h">${contactText("contact")}</h2>
      <${ContactFacts} customer=${customer} />
      <${ContactAudit} customerId=${customerId} version=${version} staffName=${staffName} />
    </section>
    <${Referrals} customerId=${customerId} version=${version} mayCancel=${mayCancelReferrals} onChanged=${changed} />
    <${Ledger}
      customerId=${customerId}
      cursor=${query.ledger}
      version=${version}
      staffName=${staffName}
      locationName=${locationName}
      mayReturn=${mayAdjust}
      onReturn=${setPurchase}
      onPage=${(cursor) => navigate(`/customers/${encodeURIComponent(customerId)}`, { ...query, ledger: cursor })}
    />
    <${Notifications} customerId=${customerId} version=${version} />
    <${ChainCheck} customerId=${customerId} />
    <${PersonalData} customer=${customer} mayExport=${mayExport} mayErase=${mayErase} onErase=${() => setDialog("erase")} />
    ${
      mayAdjust
        ? html`<${PointsDialog}
            open=${dialog === "issue" || dialog === "deduct"}
            direction=${dialog === "deduct" ? "deduct" : "issue"}
            customer=${customer}
            locations=${usable}
            onClose=${() => setDialog(undefined)}
            onDone=${(entry) =>
              changed(
                t(entry.points > 0 ? "issued" : "deducted", {
                  points: formatPoints(Math.abs(entry.points)),
                  balance: formatPoints(entry.balanceAfter),
                }),
                entry.balanceAfter,
              )}
          />
          <${ReturnDialog}
            purchase=${purchase}
            onClose=${() => setPurchase(undefined)}
            onDone=${(reversal) =>
              changed(
                t("returned", {
                  points: signedPoints(reversal.points),
                  balance: formatPoints(reversal.balanceAfter),
                }),
                reversal.balanceAfter,
              )}
          />`
        : null
    }
    ${
      mayErase && !erased
        ? html`<${EraseDialog}
          open=${dialog === "erase"}
          customer=${customer}
          onClose=${() => setDialog(undefined)}
          onDone=${(erasure) => changed(privacyText("erased", { date: formatDateTime(erasure.erasedAt) }))}
        />`
        : null
    }
    ${
      editable
        ? html`<${ContactDialog}
          open=${dialog === "contact"}
          customer=${customer}
          onClose=${() => setDialog(undefined)}
          onDone=${(answer) =>
            changed(
              answer.changed.length
                ? t("contactSaved", { fields: answer.changed.map(fieldText).join(", ") })
                : contactText("nothingChanged"),
            )}
        />`
        : null
    }
  <//>`;
}

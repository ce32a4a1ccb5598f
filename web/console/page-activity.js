import { EntryDetails, EntryTime, signedPoints, typeText } from "./activity-entries.js";
import { get } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, formatPoints, translator } from "./i18n.js";
import { href, navigate } from "./router.js";
import { useSession } from "./session.js";
import { ErrorMessage, Loading, Page, Pager, useLoad } from "./ui.js";

/**
 * Activity: the merchant's log (GET /v1/activity), newest first, with the filters of the help article's
 * first step ("search for the customer… filter by Issued… check the timestamp, points and staff member").
 * Every filter and the cursor live in the address, so a view can be shared and Back returns to it.
 */

export const WORDS = {
  en: {
    title: "Activity",
    filters: "Filter the activity",
    search: "Customer",
    searchHint: "Name, phone or e-mail",
    type: "Type",
    anyType: "All types",
    filter_issued: "Issued",
    filter_manual: "Manual",
    filter_redeemed: "Redeemed",
    filter_refunded: "Refunded",
    filter_reversed: "Purchase returns",
    filter_expired: "Expired",
    staff: "Staff member",
    anyStaff: "Everyone",
    location: "Location",
    anyLocation: "All locations",
    from: "From",
    to: "To",
    apply: "Apply",
    clear: "Clear the filters",
    caption: "Activity, newest first",
    captionFiltered: "Activity matching the filters, newest first",
    time: "Time",
    customer: "Customer",
    points: "Points",
    balanceAfter: "Balance after",
    explanation: "Explanation",
    unnamed: "(no name)",
    none: "No activity matches these filters.",
    noneYet: "No activity matches these filters after {date} yet.",
    searchedTo: "Searched back to {date}.",
    continue: "Continue searching",
  },
  fr: {
    title: "Activité",
    filters: "Filtrer l'activité",
    search: "Client",
    searchHint: "Nom, téléphone ou e-mail",
    type: "Type",
    anyType: "Tous les types",
    filter_issued: "Points attribués",
    filter_manual: "Manuels",
    filter_redeemed: "Échangés",
    filter_refunded: "Remboursés",
    filter_reversed: "Retours d'achat",
    filter_expired: "Expirés",
    staff: "Membre de l'équipe",
    anyStaff: "Tout le monde",
    location: "Établissement",
    anyLocation: "Tous les établissements",
    from: "Du",
    to: "Au",
    apply: "Appliquer",
    clear: "Effacer les filtres",
    caption: "Activité, la plus récente en premier",
    captionFiltered: "Activité correspondant aux filtres, la plus récente en premier",
    time: "Date",
    customer: "Client",
    points: "Points",
    balanceAfter: "Solde après",
    explanation: "Explication",
    unnamed: "(sans nom)",
    none: "Aucune activité ne correspond à ces filtres.",
    noneYet: "Aucune activité ne correspond à ces filtres après le {date} pour l'instant.",
    searchedTo: "Recherche effectuée jusqu'au {date}.",
    continue: "Poursuivre la recherche",
  },
};
const t = translator(WORDS);

/** The API's activity filters (docs/openapi.yaml, GET /v1/activity `type`). */
export const ACTIVITY_FILTERS = ["issued", "manual", "redeemed", "refunded", "reversed", "expired"];
const FILTER_KEYS = ["q", "type", "staffId", "locationId", "from", "to"];
const PAGE_SIZE = 25;

/**
 * A day picked in the reader's time zone as the API's instants: from its first to its last millisecond,
 * so "to 2 December" includes the evening of the 2nd.
 */
export function dayBounds(day, end) {
  const [year, month, date] = day.split("-").map(Number);
  if (!year || !month || !date) return undefined;
  const local = end ? new Date(year, month - 1, date, 23, 59, 59, 999) : new Date(year, month - 1, date);
  return local.toISOString();
}

export function activityQuery(query) {
  return {
    q: query.q,
    type: query.type,
    staffId: query.staffId,
    locationId: query.locationId,
    from: query.from ? dayBounds(query.from, false) : undefined,
    to: query.to ? dayBounds(query.to, true) : undefined,
    limit: PAGE_SIZE,
    cursor: query.cursor,
  };
}

/** Names for the staff filter: the staff list needs `staff:manage`; without it, who the rows name. */
function staffChoices(staffList, rows, selected) {
  const byId = new Map();
  for (const member of staffList ?? []) byId.set(member.id, member.name);
  if (!staffList)
    for (const row of rows) if (row.staff) byId.set(row.staff.id, row.staff.name ?? row.staff.id);
  if (selected && !byId.has(selected)) byId.set(selected, selected);
  return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

function Filters({ query, staff, locations }) {
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      "/activity",
      Object.fromEntries(FILTER_KEYS.map((key) => [key, String(form.get(key) ?? "").trim()])),
    );
  };
  const filtered = FILTER_KEYS.some((key) => query[key]);
  // Uncontrolled controls (a re-render while the answers arrive keeps what was typed), drawn afresh for
  // each address so Back shows the filters of the view it returns to.
  const selected = (name, value) => (query[name] ?? "") === value;
  return html`<form key=${JSON.stringify(query)} class="filters" role="search" aria-label=${t("filters")} onSubmit=${submit}>
    <div class="field">
      <label for="activity-q">${t("search")}</label>
      <p class="hint" id="activity-q-hint">${t("searchHint")}</p>
      <input id="activity-q" name="q" type="search" maxlength="120" size="22" defaultValue=${query.q ?? ""} aria-describedby="activity-q-hint" />
    </div>
    <div class="field">
      <label for="activity-type">${t("type")}</label>
      <select id="activity-type" name="type">
        <option value="">${t("anyType")}</option>
        ${ACTIVITY_FILTERS.map((type) => html`<option value=${type} selected=${selected("type", type)}>${t(`filter_${type}`)}</option>`)}
        ${query.type && !ACTIVITY_FILTERS.includes(query.type) ? html`<option value=${query.type} selected>${query.type}</option>` : null}
      </select>
    </div>
    <div class="field">
      <label for="activity-staff">${t("staff")}</label>
      <select id="activity-staff" name="staffId">
        <option value="">${t("anyStaff")}</option>
        ${staff.map((member) => html`<option value=${member.id} selected=${selected("staffId", member.id)}>${member.name}</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="activity-location">${t("location")}</label>
      <select id="activity-location" name="locationId">
        <option value="">${t("anyLocation")}</option>
        ${locations.map((location) => html`<option value=${location.id} selected=${selected("locationId", location.id)}>${location.name}</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="activity-from">${t("from")}</label>
      <input id="activity-from" name="from" type="date" defaultValue=${query.from ?? ""} />
    </div>
    <div class="field">
      <label for="activity-to">${t("to")}</label>
      <input id="activity-to" name="to" type="date" defaultValue=${query.to ?? ""} />
    </div>
    <button type="submit" class="primary">${t("apply")}</button>
    ${filtered ? html`<a class="clear" href=${href("/activity")}>${t("clear")}</a>` : null}
  </form>`;
}

function Row({ row }) {
  return html`<tr>
    <td><${EntryTime} entry=${row} /></td>
    <td><a href=${href(`/customers/${encodeURIComponent(row.customer.id)}`)}>${row.customer.name ?? t("unnamed")}</a></td>
    <td>${typeText(row.type)}</td>
    <td class="num">${signedPoints(row.points)}</td>
    <td class="num">${formatPoints(row.balanceAfter)}</td>
    <td>${row.staff ? (row.staff.name ?? row.staff.id) : ""}</td>
    <td>${row.location ? (row.location.name ?? row.location.id) : ""}</td>
    <td class="explanation"><${EntryDetails} entry=${row} /></td>
  </tr>`;
}

export default function ActivityPage({ query }) {
  const session = useSession();
  const mayListStaff = session.can("staff:manage");
  const staffList = useLoad(
    () => (mayListStaff ? get("/v1/staff") : Promise.resolve(undefined)),
    [mayListStaff],
  );
  const locations = useLoad(() => get("/v1/locations"), []);
  const key = JSON.stringify(activityQuery(query));
  const page = useLoad(() => get("/v1/activity", activityQuery(query)), [key]);

  const rows = page.data?.rows ?? [];
  const filtered = FILTER_KEYS.some((name) => query[name]);
  // A page that stopped at its read budget: fewer rows than asked, and a cursor to search further back.
  const stoppedShort = Boolean(page.data?.nextCursor && page.data.searchedTo && rows.length < PAGE_SIZE);
  const goTo = (cursor) => navigate("/activity", { ...query, cursor });

  return html`<${Page} title=${t("title")}>
    <${Filters}
      query=${query}
      staff=${staffChoices(staffList.data?.staff, rows, query.staffId)}
      locations=${locations.data?.locations ?? []}
    />
    ${page.loading ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${page.error} onRetry=${page.reload} />
    ${page.data && rows.length === 0 && !page.data.nextCursor ? html`<p role="status">${t("none")}</p>` : null}
    ${
      rows.length
        ? html`<div class="table-scroll"><table class="activity">
          <caption>${filtered ? t("captionFiltered") : t("caption")}</caption>
          <thead>
            <tr>
              <th scope="col">${t("time")}</th>
              <th scope="col">${t("customer")}</th>
              <th scope="col">${t("type")}</th>
              <th scope="col" class="num">${t("points")}</th>
              <th scope="col" class="num">${t("balanceAfter")}</th>
              <th scope="col">${t("staff")}</th>
              <th scope="col">${t("location")}</th>
              <th scope="col">${t("explanation")}</th>
            </tr>
          </thead>
          <tbody>${rows.map((row) => html`<${Row} key=${row.id} row=${row} />`)}</tbody>
        </table></div>`
        : null
    }
    ${
      stoppedShort
        ? html`<div class="notice searched" role="status">
          <p>${rows.length ? t("searchedTo", { date: formatDateTime(page.data.searchedTo) }) : t("noneYet", { date: formatDateTime(page.data.searchedTo) })}</p>
          <button type="button" onClick=${() => goTo(page.data.nextCursor)}>${t("continue")}</button>
        </div>`
        : null
    }
    ${
      page.data
        ? html`<${Pager} nextCursor=${stoppedShort ? undefined : page.data.nextCursor} cursor=${query.cursor} onPage=${goTo} />`
        : null
    }
  <//>`;
}

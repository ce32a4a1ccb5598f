import { get } from "./client.js";
import { html } from "./html.js";
import { formatPoints, translator } from "./i18n.js";
import { href, navigate } from "./router.js";
import { ErrorMessage, Loading, Page, useLoad } from "./ui.js";

/** Customers: search by name, phone or e-mail (GET /v1/customers?q=), each result opening their page. */

export const WORDS = {
  en: {
    title: "Customers",
    search: "Name, phone or e-mail",
    searchHint: "For example “Camille Martin”, “06 12 34 56 78” or an e-mail address.",
    find: "Search",
    none: "No customer matches “{q}”.",
    results: "Customers matching “{q}”",
    name: "Name",
    phone: "Phone",
    email: "E-mail",
    balance: "Balance",
    start: "Search for a customer to see their balance, their history and what they were sent.",
  },
  fr: {
    title: "Clients",
    search: "Nom, téléphone ou e-mail",
    searchHint: "Par exemple « Camille Martin », « 06 12 34 56 78 » ou une adresse e-mail.",
    find: "Rechercher",
    none: "Aucun client ne correspond à « {q} ».",
    results: "Clients correspondant à « {q} »",
    name: "Nom",
    phone: "Téléphone",
    email: "E-mail",
    balance: "Solde",
    start: "Recherchez un client pour voir son solde, son historique et ce qui lui a été envoyé.",
  },
};
const t = translator(WORDS);

export default function CustomersPage({ query }) {
  const q = query.q ?? "";
  const found = useLoad(() => (q ? get("/v1/customers", { q, limit: 50 }) : Promise.resolve(undefined)), [q]);
  const submit = (event) => {
    event.preventDefault();
    navigate("/customers", { q: new FormData(event.currentTarget).get("q").trim() });
  };
  return html`<${Page} title=${t("title")}>
    <form class="filters" role="search" onSubmit=${submit}>
      <div class="field">
        <label for="customer-q">${t("search")}</label>
        <p class="hint" id="customer-q-hint">${t("searchHint")}</p>
        <input id="customer-q" name="q" type="search" maxlength="120" defaultValue=${q} key=${q} aria-describedby="customer-q-hint" size="32" />
      </div>
      <button type="submit" class="primary">${t("find")}</button>
    </form>
    ${!q ? html`<p class="muted">${t("start")}</p>` : null}
    ${q && found.loading ? html`<${Loading} />` : null}
    <${ErrorMessage} error=${found.error} onRetry=${found.reload} />
    ${found.data?.customers.length === 0 ? html`<p role="status">${t("none", { q })}</p>` : null}
    ${
      found.data?.customers.length
        ? html`<table>
          <caption>${t("results", { q })}</caption>
          <thead><tr><th scope="col">${t("name")}</th><th scope="col">${t("phone")}</th><th scope="col">${t("email")}</th><th scope="col" class="num">${t("balance")}</th></tr></thead>
          <tbody>
            ${found.data.customers.map(
              (customer) => html`<tr>
                <td><a href=${href(`/customers/${encodeURIComponent(customer.id)}`)}>${customer.name}</a></td>
                <td>${customer.phone ?? ""}</td>
                <td>${customer.email ?? ""}</td>
                <td class="num">${formatPoints(customer.balance)}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : null
    }
  <//>`;
}

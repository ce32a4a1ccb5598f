import { useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, translator, useLocale } from "./i18n.js";
import { href, navigate } from "./router.js";
import { useSession } from "./session.js";
import { SectionError } from "./settings-common.js";
import { ProgramForm } from "./settings-program-form.js";
import { ApiText, Dialog, Loading, useAction, useLoad } from "./ui.js";

/** Programs (GET/POST /v1/programs): each at its current version; its page has the rule and the history. */

export const WORDS = {
  en: {
    caption: "Programs, each at its current version",
    name: "Program",
    rule: "Rule and expiry",
    version: "Version",
    saved: "Saved",
    add: "Add a program",
    create: "Add the program",
    none: "No program yet.",
  },
  fr: {
    caption: "Programmes, chacun dans sa version actuelle",
    name: "Programme",
    rule: "Règle et expiration",
    version: "Version",
    saved: "Enregistré",
    add: "Ajouter un programme",
    create: "Ajouter le programme",
    none: "Aucun programme pour l'instant.",
  },
};
const t = translator(WORDS);

export default function ProgramsSection() {
  useLocale();
  const session = useSession();
  const programs = useLoad(() => get("/v1/programs"), []);
  const [adding, setAdding] = useState(false);
  const action = useAction();

  const create = async (body) => {
    const created = await action.run((key) => send("POST", "/v1/programs", body, key));
    if (created) navigate(`/settings/programs/${encodeURIComponent(created.program.id)}`);
  };

  if (programs.loading && !programs.data) return html`<${Loading} />`;
  if (programs.error) return html`<${SectionError} error=${programs.error} onRetry=${programs.reload} />`;
  const list = programs.data.programs;
  return html`<div class="settings-section">
    <div class="actions">
      <button type="button" class="primary" onClick=${() => setAdding(true)}>${t("add")}</button>
    </div>
    ${
      list.length
        ? html`<table>
          <caption>${t("caption")}</caption>
          <thead><tr>
            <th scope="col">${t("name")}</th><th scope="col">${t("rule")}</th>
            <th scope="col" class="num">${t("version")}</th><th scope="col">${t("saved")}</th>
          </tr></thead>
          <tbody>
            ${list.map(
              (program) => html`<tr>
                <th scope="row"><a href=${href(`/settings/programs/${encodeURIComponent(program.id)}`)}>${program.name}</a></th>
                <td><${ApiText} text=${program.description} /></td>
                <td class="num">${program.version}</td>
                <td>${formatDateTime(program.updatedAt)}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : html`<p>${t("none")}</p>`
    }
    <${Dialog} open=${adding} title=${t("add")} onClose=${() => {
      setAdding(false);
      action.reset();
    }}>
      ${
        adding
          ? html`<${ProgramForm}
            currency=${session.merchant.currency}
            onSubmit=${create}
            onChange=${action.error ? action.reset : undefined}
            error=${action.error}
            pending=${action.pending}
            submitLabel=${t("create")}
          />`
          : null
      }
    <//>
  </div>`;
}

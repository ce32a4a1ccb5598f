import { useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, translator, useLocale } from "./i18n.js";
import { href, navigate } from "./router.js";
import { useSession } from "./session.js";
import { SectionError, Status } from "./settings-common.js";
import { ProgramForm } from "./settings-program-form.js";
import { ApiText, Loading, Page, Pager, useAction, useLoad } from "./ui.js";

/**
 * One program (`/settings/programs/:programId`): its current rule and expiry, a form saving the next
 * version (PUT /v1/programs/{id}: each change is a new immutable version, so entries earned earlier still
 * explain themselves), and the history of versions with who saved each one and when.
 */

export const WORDS = {
  en: {
    title: "Program {name}",
    loadingTitle: "Program",
    back: "All programs",
    current: "Now: version {version}",
    change: "Change the rule or the expiry",
    changeHint: "Saving makes version {next}. Points already earned keep the version they were earned with.",
    save: "Save as a new version",
    savedVersion: "Saved as version {version}.",
    unchanged: "Nothing changed: these are the settings of version {version}.",
    history: "Versions, newest first",
    version: "Version",
    savedAt: "Saved",
    savedBy: "Saved by",
    rule: "Rule and expiry",
    nobody: "the system",
  },
  fr: {
    title: "Programme {name}",
    loadingTitle: "Programme",
    back: "Tous les programmes",
    current: "Actuellement : version {version}",
    change: "Modifier la règle ou l'expiration",
    changeHint:
      "Enregistrer crée la version {next}. Les points déjà gagnés gardent la version avec laquelle ils l'ont été.",
    save: "Enregistrer comme nouvelle version",
    savedVersion: "Enregistré comme version {version}.",
    unchanged: "Rien n'a changé : ce sont les réglages de la version {version}.",
    history: "Versions, de la plus récente à la plus ancienne",
    version: "Version",
    savedAt: "Enregistrée",
    savedBy: "Enregistrée par",
    rule: "Règle et expiration",
    nobody: "le système",
  },
};
const t = translator(WORDS);

/** Staff names for "saved by", when the role may list the staff; else the ids the API gives. */
const loadNames = (can) =>
  can("staff:manage")
    ? get("/v1/staff").then(({ staff }) => new Map(staff.map((member) => [member.id, member.name])))
    : Promise.resolve(new Map());

export default function ProgramPage({ params, query }) {
  useLocale();
  const session = useSession();
  const path = `/v1/programs/${encodeURIComponent(params.programId)}`;
  const program = useLoad(() => get(path), [path]);
  const versions = useLoad(
    () => get(`${path}/versions`, { limit: 10, cursor: query.cursor }),
    [path, query.cursor],
  );
  const names = useLoad(() => loadNames(session.can), []);
  const action = useAction();
  const [status, setStatus] = useState("");

  const save = async (body) => {
    const before = program.data.program.version;
    const saved = await action.run(() => send("PUT", path, body));
    if (!saved) return;
    const { version } = saved.program;
    setStatus(version === before ? t("unchanged", { version }) : t("savedVersion", { version }));
    program.reload();
    if (query.cursor) navigate(`/settings/programs/${encodeURIComponent(params.programId)}`);
    else versions.reload();
  };

  const current = program.data?.program;
  const who = (id) => (id ? (names.data?.get(id) ?? id) : t("nobody"));
  return html`<${Page} title=${current ? t("title", { name: current.name }) : t("loadingTitle")}>
    <p><a href=${href("/settings/programs")}>${t("back")}</a></p>
    <${Status} text=${status} />
    ${program.loading && !current ? html`<${Loading} />` : null}
    <${SectionError} error=${program.error} onRetry=${program.reload} />
    ${
      current
        ? html`<p class="notice"><strong>${t("current", { version: current.version })}</strong> — <${ApiText} text=${current.description} /></p>
          <h2>${t("change")}</h2>
          <p class="hint">${t("changeHint", { next: current.version + 1 })}</p>
          <${ProgramForm}
            key=${current.version}
            program=${current}
            currency=${session.merchant.currency}
            onSubmit=${save}
            onChange=${action.error ? action.reset : undefined}
            error=${action.error}
            pending=${action.pending}
            submitLabel=${t("save")}
          />`
        : null
    }
    ${
      versions.data
        ? html`<table class="settings-history">
            <caption>${t("history")}</caption>
            <thead><tr>
              <th scope="col" class="num">${t("version")}</th><th scope="col">${t("savedAt")}</th>
              <th scope="col">${t("savedBy")}</th><th scope="col">${t("rule")}</th>
            </tr></thead>
            <tbody>
              ${versions.data.versions.map(
                (version) => html`<tr>
                  <th scope="row" class="num">${version.version}</th>
                  <td>${formatDateTime(version.updatedAt)}</td>
                  <td>${who(version.updatedBy)}</td>
                  <td><${ApiText} text=${version.description} /></td>
                </tr>`,
              )}
            </tbody>
          </table>
          <${Pager}
            nextCursor=${versions.data.nextCursor}
            cursor=${query.cursor}
            onPage=${(cursor) => navigate(`/settings/programs/${encodeURIComponent(params.programId)}`, { cursor })}
          />`
        : null
    }
    ${current ? html`<${SectionError} error=${versions.error} onRetry=${versions.reload} />` : null}
  <//>`;
}

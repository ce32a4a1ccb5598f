import { useEffect, useState } from "preact/hooks";
import { download, get, send } from "./client.js";
import { html } from "./html.js";
import { formatDateTime, translator, useLocale } from "./i18n.js";
import { useSession } from "./session.js";
import { SectionError, Status, textOf } from "./settings-common.js";
import { ApiText, Dialog, Field, Loading, useAction, useLoad } from "./ui.js";

/**
 * Locations (GET/POST /v1/locations, PATCH /v1/locations/{id}): each with the program it earns with, and
 * its counter poster (GET …/poster), fetched with the staff token and shown from an object URL, so it
 * needs no token in a link and the page makes no other request.
 */

export const WORDS = {
  en: {
    caption: "Locations and the program each earns with",
    name: "Name",
    program: "Program",
    rule: "How points are earned",
    updated: "Changed",
    actions: "Actions",
    edit: "Change {name}",
    editShort: "Change",
    poster: "Poster",
    posterOf: "Poster of {name}",
    add: "Add a location",
    create: "Add the location",
    save: "Save",
    created: "{name} was added.",
    saved: "{name} was saved.",
    none: "No location yet.",
    noProgram: "Add a program first: a location earns with one.",
    format: "Format",
    png: "Image (PNG)",
    svg: "Vector image (SVG)",
    pdf: "Printable document (PDF, A4)",
    prepare: "Get the poster",
    saveFile: "Save {file}",
    preview: "Preview of the poster of {name}",
    posterHint:
      "A4, with the QR code customers scan to join at this location and how they earn points there.",
    ready: "The poster is ready to save.",
  },
  fr: {
    caption: "Emplacements et programme de chacun",
    name: "Nom",
    program: "Programme",
    rule: "Comment les points sont gagnés",
    updated: "Modifié",
    actions: "Actions",
    edit: "Modifier {name}",
    editShort: "Modifier",
    poster: "Affiche",
    posterOf: "Affiche de {name}",
    add: "Ajouter un emplacement",
    create: "Ajouter l'emplacement",
    save: "Enregistrer",
    created: "{name} a été ajouté.",
    saved: "{name} a été enregistré.",
    none: "Aucun emplacement pour l'instant.",
    noProgram: "Ajoutez d'abord un programme : un emplacement en utilise un.",
    format: "Format",
    png: "Image (PNG)",
    svg: "Image vectorielle (SVG)",
    pdf: "Document à imprimer (PDF, A4)",
    prepare: "Obtenir l'affiche",
    saveFile: "Enregistrer {file}",
    preview: "Aperçu de l'affiche de {name}",
    posterHint:
      "A4, avec le QR code que les clients scannent pour s'inscrire à cet emplacement et comment ils y gagnent des points.",
    ready: "L'affiche est prête à être enregistrée.",
  },
};
const t = translator(WORDS);

/** The programs a location may earn with: the catalogue with programs:manage, else those in use. */
async function loadAll(canPrograms) {
  const [{ locations }, programs] = await Promise.all([
    get("/v1/locations"),
    canPrograms ? get("/v1/programs").then((answer) => answer.programs) : undefined,
  ]);
  const inUse = [
    ...new Map(locations.filter((l) => l.program).map((l) => [l.program.id, l.program])).values(),
  ];
  return { locations, programs: programs ?? inUse };
}

function LocationForm({ location, programs, onDone }) {
  const action = useAction();
  const prefix = location ? `location-${location.id}` : "location-new";
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = { name: textOf(form.get("name")) ?? "", programId: String(form.get("programId")) };
    const saved = await action.run((key) =>
      location
        ? send("PATCH", `/v1/locations/${encodeURIComponent(location.id)}`, body)
        : send("POST", "/v1/locations", body, key),
    );
    if (saved) onDone(saved.location, Boolean(location));
  };
  return html`<form onSubmit=${submit} onInput=${action.error ? action.reset : undefined}>
    <${Field} id=${`${prefix}-name`} label=${t("name")} field="name" error=${action.error} required>
      ${({ id, describedBy, invalid }) =>
        html`<input id=${id} name="name" required maxlength="100" size="30" defaultValue=${location?.name ?? ""} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
    <//>
    <${Field} id=${`${prefix}-program`} label=${t("program")} field="programId" error=${action.error} required>
      ${({ id, describedBy, invalid }) =>
        html`<select id=${id} name="programId" required aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined}>
          ${programs.map((p) => html`<option value=${p.id} selected=${p.id === location?.programId}>${p.name}</option>`)}
        </select>`}
    <//>
    <${SectionError} error=${action.error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${action.pending}>${location ? t("save") : t("create")}</button>
    </div>
  </form>`;
}

function PosterDialog({ location, onClose }) {
  return html`<${Dialog} open=${Boolean(location)} title=${location ? t("posterOf", { name: location.name }) : ""} onClose=${onClose}>
    ${location ? html`<${PosterForm} location=${location} />` : null}
  <//>`;
}

function PosterForm({ location }) {
  const [format, setFormat] = useState("png");
  const [file, setFile] = useState(undefined);
  const action = useAction();
  useEffect(() => () => file && URL.revokeObjectURL(file.url), [file]);
  const prepare = async (event) => {
    event.preventDefault();
    const blob = await action.run(() =>
      download(`/v1/locations/${encodeURIComponent(location.id)}/poster?format=${format}`),
    );
    if (blob) setFile({ url: URL.createObjectURL(blob), name: `poster-${location.id}.${format}`, format });
  };
  return html`<div>
    <p class="hint" id="poster-hint">${t("posterHint")}</p>
    <form class="filters" onSubmit=${prepare}>
      <div class="field">
        <label for="poster-format">${t("format")}</label>
        <select id="poster-format" value=${format} aria-describedby="poster-hint" onChange=${(event) => {
          setFormat(event.currentTarget.value);
          setFile(undefined);
        }}>
          ${["png", "svg", "pdf"].map((f) => html`<option value=${f}>${t(f)}</option>`)}
        </select>
      </div>
      <button type="submit" class="primary" disabled=${action.pending}>${t("prepare")}</button>
    </form>
    <${SectionError} error=${action.error} />
    <${Status} text=${file ? t("ready") : ""} />
    ${
      file
        ? html`<p><a href=${file.url} download=${file.name}>${t("saveFile", { file: file.name })}</a></p>
          ${file.format === "pdf" ? null : html`<img class="poster-preview" src=${file.url} alt=${t("preview", { name: location.name })} />`}`
        : null
    }
  </div>`;
}

export default function LocationsSection() {
  useLocale();
  const session = useSession();
  const all = useLoad(() => loadAll(session.can("programs:manage")), []);
  const [editing, setEditing] = useState(undefined);
  const [poster, setPoster] = useState(undefined);
  const [adding, setAdding] = useState(false);
  const [status, setStatus] = useState("");

  const done = (location, changed) => {
    setEditing(undefined);
    setAdding(false);
    setStatus(t(changed ? "saved" : "created", { name: location.name }));
    all.reload();
  };

  if (all.loading && !all.data) return html`<${Loading} />`;
  if (all.error) return html`<${SectionError} error=${all.error} onRetry=${all.reload} />`;
  const { locations, programs } = all.data;
  const canPoster = session.can("locations:manage") || session.can("customers:write");
  return html`<div class="settings-section">
    <${Status} text=${status} />
    <div class="actions">
      ${
        programs.length
          ? html`<button type="button" class="primary" onClick=${() => setAdding(true)}>${t("add")}</button>`
          : html`<p class="muted">${t("noProgram")}</p>`
      }
    </div>
    ${
      locations.length
        ? html`<table>
          <caption>${t("caption")}</caption>
          <thead><tr>
            <th scope="col">${t("name")}</th><th scope="col">${t("program")}</th><th scope="col">${t("rule")}</th>
            <th scope="col">${t("updated")}</th><th scope="col">${t("actions")}</th>
          </tr></thead>
          <tbody>
            ${locations.map(
              (location) => html`<tr>
                <th scope="row">${location.name}</th>
                <td>${location.program?.name ?? location.programId}</td>
                <td>${location.program ? html`<${ApiText} text=${location.program.description} />` : ""}</td>
                <td>${formatDateTime(location.updatedAt)}</td>
                <td><div class="row-actions">
                  <button type="button" aria-label=${t("edit", { name: location.name })} onClick=${() => setEditing(location)}>${t("editShort")}</button>
                  ${canPoster ? html`<button type="button" aria-label=${t("posterOf", { name: location.name })} onClick=${() => setPoster(location)}>${t("poster")}</button>` : null}</div></td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : html`<p>${t("none")}</p>`
    }
    <${Dialog} open=${adding} title=${t("add")} onClose=${() => setAdding(false)}>
      ${adding ? html`<${LocationForm} programs=${programs} onDone=${done} />` : null}
    <//>
    <${Dialog} open=${Boolean(editing)} title=${editing ? t("edit", { name: editing.name }) : ""} onClose=${() => setEditing(undefined)}>
      ${editing ? html`<${LocationForm} location=${editing} programs=${programs} onDone=${done} />` : null}
    <//>
    <${PosterDialog} location=${poster} onClose=${() => setPoster(undefined)} />
  </div>`;
}

import { useState } from "preact/hooks";
import { html } from "./html.js";
import { translator } from "./i18n.js";
import { integerOf, SectionError, textOf } from "./settings-common.js";
import { Field } from "./ui.js";

/**
 * A program's settings as a form (ProgramSettingsInput in docs/openapi.yaml): its name, its earning rule
 * (purchase: points per amount and rounding; visit: points and the minutes between two visits) and its
 * expiry policy. The same form adds a program and saves its next version.
 */

export const WORDS = {
  en: {
    name: "Program name",
    ruleLegend: "How customers earn points",
    kind: "Kind of program",
    purchase: "Per purchase amount",
    visit: "Per visit",
    points: "Points",
    per: "For every (amount)",
    perHint: "For example 1.00: the points above for every 1.00 spent.",
    currency: "Currency",
    currencyHint: "Three capital letters, for example EUR.",
    rounding: "Rounding",
    down: "Down (23.90 gives 23)",
    nearest: "To the nearest (23.50 gives 24)",
    up: "Up (23.10 gives 24)",
    pointsPerVisit: "Points per visit",
    minMinutes: "Minutes between two visits",
    minMinutesHint: "A second visit sooner earns nothing; 0 lets every visit count.",
    expiryLegend: "When points expire",
    expiryKind: "Expiry",
    none: "Never",
    rolling: "A number of days after they were earned",
    inactivity: "After a number of days without earning",
    fixed: "On a fixed day each year",
    days: "Days",
    month: "Month",
    day: "Day of the month",
    expiryHint: "A change reaches only points earned after it.",
  },
  fr: {
    name: "Nom du programme",
    ruleLegend: "Comment les clients gagnent des points",
    kind: "Type de programme",
    purchase: "Selon le montant d'achat",
    visit: "Par visite",
    points: "Points",
    per: "Pour chaque (montant)",
    perHint: "Par exemple 1.00 : les points ci-dessus pour chaque 1.00 dépensé.",
    currency: "Devise",
    currencyHint: "Trois lettres majuscules, par exemple EUR.",
    rounding: "Arrondi",
    down: "Inférieur (23,90 donne 23)",
    nearest: "Au plus proche (23,50 donne 24)",
    up: "Supérieur (23,10 donne 24)",
    pointsPerVisit: "Points par visite",
    minMinutes: "Minutes entre deux visites",
    minMinutesHint: "Une deuxième visite plus tôt ne rapporte rien ; 0 compte chaque visite.",
    expiryLegend: "Quand les points expirent",
    expiryKind: "Expiration",
    none: "Jamais",
    rolling: "Un nombre de jours après leur gain",
    inactivity: "Après un nombre de jours sans gain",
    fixed: "À une date fixe chaque année",
    days: "Jours",
    month: "Mois",
    day: "Jour du mois",
    expiryHint: "Un changement ne s'applique qu'aux points gagnés après lui.",
  },
};
const t = translator(WORDS);

/** The body of POST /v1/programs or PUT /v1/programs/{id} from the form. */
function bodyOf(form) {
  const value = (name) => form.get(name);
  const rule =
    value("kind") === "visit"
      ? {
          kind: "visit",
          pointsPerVisit: integerOf(value("pointsPerVisit")),
          minMinutesBetweenVisits: integerOf(value("minMinutes")),
        }
      : {
          kind: "purchase",
          points: integerOf(value("points")),
          per: textOf(value("per")) ?? "",
          currency: (textOf(value("currency")) ?? "").toUpperCase(),
          rounding: value("rounding"),
        };
  const kind = value("expiryKind");
  const expiry =
    kind === "none"
      ? { kind }
      : kind === "fixed"
        ? { kind, month: integerOf(value("month")), day: integerOf(value("day")) }
        : { kind, days: integerOf(value("days")) };
  return { name: textOf(value("name")) ?? "", rule, expiry };
}

/** A number field tied to its API field (`rule.points`…), keeping what was typed across re-renders. */
function NumberField({ prefix, name, field, label, hint, error, value, min, max }) {
  return html`<${Field} id=${`${prefix}-${name}`} label=${label} hint=${hint} field=${field} error=${error} required>
    ${({ id, describedBy, invalid }) =>
      html`<input id=${id} name=${name} type="number" inputmode="numeric" step="1" min=${min} max=${max} required
        defaultValue=${value ?? ""} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
  <//>`;
}

/**
 * `program`: the current settings, or undefined for a new program (a purchase rule in `currency`).
 * `onSubmit(body)` sends it; `error` is the refusal to show beside the fields it names.
 */
export function ProgramForm({ program, currency, onSubmit, error, pending, submitLabel, onChange }) {
  const prefix = program ? `program-${program.id}` : "program-new";
  const rule = program?.rule ?? { kind: "purchase", points: 1, per: "1.00", currency, rounding: "down" };
  const expiry = program?.expiry ?? { kind: "none" };
  const [kind, setKind] = useState(rule.kind);
  const [expiryKind, setExpiryKind] = useState(expiry.kind);
  const submit = (event) => {
    event.preventDefault();
    onSubmit(bodyOf(new FormData(event.currentTarget)));
  };
  const select = (name, label, value, options, onPick) =>
    html`<div class="field">
      <label for=${`${prefix}-${name}`}>${label}</label>
      <select id=${`${prefix}-${name}`} name=${name} value=${value} onChange=${(event) => onPick?.(event.currentTarget.value)}>
        ${options.map((option) => html`<option value=${option}>${t(option)}</option>`)}
      </select>
    </div>`;
  return html`<form class="program-form" onSubmit=${submit} onInput=${onChange}>
    <${Field} id=${`${prefix}-name`} label=${t("name")} field="name" error=${error} required>
      ${({ id, describedBy, invalid }) =>
        html`<input id=${id} name="name" required maxlength="100" size="30" defaultValue=${program?.name ?? ""}
          aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
    <//>
    <fieldset>
      <legend>${t("ruleLegend")}</legend>
      ${select("kind", t("kind"), kind, ["purchase", "visit"], setKind)}
      ${
        kind === "purchase"
          ? html`<div class="settings-row">
            <${NumberField} prefix=${prefix} name="points" field="rule.points" label=${t("points")} error=${error} value=${rule.points ?? 1} min="1" max="1000000" />
            <${Field} id=${`${prefix}-per`} label=${t("per")} hint=${t("perHint")} field="rule.per" error=${error} required>
              ${({ id, describedBy, invalid }) =>
                html`<input id=${id} name="per" inputmode="decimal" required size="8" defaultValue=${rule.per ?? "1.00"}
                  aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
            <//>
            <${Field} id=${`${prefix}-currency`} label=${t("currency")} hint=${t("currencyHint")} field="rule.currency" error=${error} required>
              ${({ id, describedBy, invalid }) =>
                html`<input id=${id} name="currency" required size="4" maxlength="3" autocapitalize="characters"
                  defaultValue=${rule.currency ?? currency} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
            <//>
            <div class="field">
              <label for=${`${prefix}-rounding`}>${t("rounding")}</label>
              <select id=${`${prefix}-rounding`} name="rounding">
                ${["down", "nearest", "up"].map((r) => html`<option value=${r} selected=${r === (rule.rounding ?? "down")}>${t(r)}</option>`)}
              </select>
            </div>
          </div>`
          : html`<div class="settings-row">
            <${NumberField} prefix=${prefix} name="pointsPerVisit" field="rule.pointsPerVisit" label=${t("pointsPerVisit")} error=${error} value=${rule.pointsPerVisit ?? 10} min="1" max="1000000" />
            <${NumberField} prefix=${prefix} name="minMinutes" field="rule.minMinutesBetweenVisits" label=${t("minMinutes")} hint=${t("minMinutesHint")} error=${error} value=${rule.minMinutesBetweenVisits ?? 60} min="0" max="525600" />
          </div>`
      }
    </fieldset>
    <fieldset>
      <legend>${t("expiryLegend")}</legend>
      <p class="hint">${t("expiryHint")}</p>
      ${select("expiryKind", t("expiryKind"), expiryKind, ["none", "rolling", "inactivity", "fixed"], setExpiryKind)}
      ${
        expiryKind === "rolling" || expiryKind === "inactivity"
          ? html`<${NumberField} prefix=${prefix} name="days" field="expiry.days" label=${t("days")} error=${error} value=${expiry.days ?? 365} min="1" max="3650" />`
          : null
      }
      ${
        expiryKind === "fixed"
          ? html`<div class="settings-row">
            <${NumberField} prefix=${prefix} name="month" field="expiry.month" label=${t("month")} error=${error} value=${expiry.month ?? 12} min="1" max="12" />
            <${NumberField} prefix=${prefix} name="day" field="expiry.day" label=${t("day")} error=${error} value=${expiry.day ?? 31} min="1" max="31" />
          </div>`
          : null
      }
    </fieldset>
    <${SectionError} error=${error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${pending}>${submitLabel}</button>
    </div>
  </form>`;
}

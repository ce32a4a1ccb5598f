import { html } from "./html.js";
import { currentLocale, formatPoints, translator } from "./i18n.js";

/**
 * The customer's tier standing, as GET /v1/customers/{id} answers it (`tiers`, README "Tiers"): per
 * program, the level, the qualifying points in the window, what the next level needs, and what keeps the
 * level at its review ("320 more points by 31 Mar to stay Gold").
 */

export const WORDS = {
  en: {
    tier: "Tier",
    multiplier: "points × {multiplier}",
    qualifying: "{points} qualifying points",
    next: "{points} more points to reach {tier}",
    top: "The highest level.",
    toKeep: "{points} more points by {date} to stay {tier}",
    kept: "{tier} kept until {date}",
    program: "Program {id}",
  },
  fr: {
    tier: "Niveau",
    multiplier: "points × {multiplier}",
    qualifying: "{points} points qualifiants",
    next: "Encore {points} points pour atteindre {tier}",
    top: "Le niveau le plus haut.",
    toKeep: "Encore {points} points d'ici le {date} pour rester {tier}",
    kept: "{tier} conservé jusqu'au {date}",
    program: "Programme {id}",
  },
};
const t = translator(WORDS);

/** A UTC calendar day ("2027-03-31") as the reader says it, without a time zone moving it a day. */
const formatDay = (day) =>
  new Intl.DateTimeFormat(currentLocale(), {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${day}T00:00:00Z`));

/** A decimal multiplier in the reader's notation ("1,5" in French), from its own digits. */
const formatMultiplier = (multiplier) =>
  currentLocale() === "fr" ? multiplier.replace(".", ",") : multiplier;

function Standing({ standing, named }) {
  return html`<li data-program=${standing.programId}>
    ${named ? html`<span class="muted">${t("program", { id: standing.programId })}</span><br />` : null}
    <strong class="big tier-level">${standing.tier}</strong>
    ${standing.multiplier !== "1" ? html` <span class="badge">${t("multiplier", { multiplier: formatMultiplier(standing.multiplier) })}</span>` : null}
    <br />${t("qualifying", { points: formatPoints(standing.qualifyingPoints) })}
    ${
      standing.keptUntil
        ? html`<br /><span class="tier-keep">${
            standing.pointsToKeep > 0
              ? t("toKeep", {
                  points: formatPoints(standing.pointsToKeep),
                  date: formatDay(standing.keptUntil),
                  tier: standing.tier,
                })
              : t("kept", { tier: standing.tier, date: formatDay(standing.keptUntil) })
          }</span>`
        : null
    }
    <br /><span class="tier-next">${
      standing.next
        ? t("next", { points: formatPoints(standing.next.pointsNeeded), tier: standing.next.tier })
        : t("top")
    }</span>
  </li>`;
}

/** The card, only when the customer has a standing in a program with tiers. */
export function Tiers({ tiers }) {
  if (!tiers?.length) return null;
  return html`<div class="card" id="tiers">
    <h2>${t("tier")}</h2>
    <ul class="plain">${tiers.map(
      (standing) =>
        html`<${Standing} key=${standing.programId} standing=${standing} named=${tiers.length > 1} />`,
    )}</ul>
  </div>`;
}

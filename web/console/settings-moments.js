import { useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { translator, useLocale } from "./i18n.js";
import { SectionError, Status } from "./settings-common.js";
import { Loading, useAction, useLoad } from "./ui.js";

/** Moments (GET/PATCH /v1/settings `moments`): which notifications customers get; each is on unless switched off. */

export const WORDS = {
  en: {
    legend: "Customers are told when…",
    intro:
      "Each Moment reaches the customer's pass and, if they gave one, their e-mail. Switch off what you do not want sent.",
    save: "Save the Moments",
    saved: "The Moments were saved.",
    points_earned: "they earn points (a purchase or a visit)",
    points_added: "points are added by hand",
    reward_unlocked: "they have enough points for a reward",
    points_expiring: "their points are about to expire",
    points_expired: "their points expired",
    redemption_refunded: "a redemption is refunded",
    claim_decided: "their claim for missing points is decided",
    welcome: "they join (the welcome e-mail with their card)",
    tier_reached: "they reach a higher tier",
  },
  fr: {
    legend: "Les clients sont prévenus quand…",
    intro:
      "Chaque Moment arrive sur la carte du client et, s'il en a donné un, par e-mail. Désactivez ce que vous ne voulez pas envoyer.",
    save: "Enregistrer les Moments",
    saved: "Les Moments ont été enregistrés.",
    points_earned: "ils gagnent des points (un achat ou une visite)",
    points_added: "des points sont ajoutés à la main",
    reward_unlocked: "ils ont assez de points pour une récompense",
    points_expiring: "leurs points vont bientôt expirer",
    points_expired: "leurs points ont expiré",
    redemption_refunded: "un échange est annulé",
    claim_decided: "leur réclamation de points manquants est traitée",
    welcome: "ils s'inscrivent (l'e-mail de bienvenue avec leur carte)",
    tier_reached: "ils atteignent un niveau supérieur",
  },
};
const t = translator(WORDS);

export default function MomentsSection() {
  useLocale();
  const settings = useLoad(() => get("/v1/settings"), []);
  const action = useAction();
  const [status, setStatus] = useState("");

  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const moments = Object.fromEntries(
      Object.keys(settings.data.settings.moments).map((m) => [m, form.has(m)]),
    );
    const saved = await action.run(() => send("PATCH", "/v1/settings", { moments }));
    if (saved) {
      setStatus(t("saved"));
      settings.reload();
    }
  };

  if (settings.loading && !settings.data) return html`<${Loading} />`;
  if (settings.error) return html`<${SectionError} error=${settings.error} onRetry=${settings.reload} />`;
  const { moments } = settings.data.settings;
  return html`<form class="settings-section" onSubmit=${submit}>
    <${Status} text=${status} />
    <fieldset key=${JSON.stringify(moments)}>
      <legend>${t("legend")}</legend>
      <p class="hint">${t("intro")}</p>
      <ul class="choices">
        ${Object.entries(moments).map(
          ([moment, on]) => html`<li class="choice">
            <input type="checkbox" id=${`moment-${moment}`} name=${moment} defaultChecked=${on} />
            <label for=${`moment-${moment}`}>${t(moment)}</label>
          </li>`,
        )}
      </ul>
    </fieldset>
    <${SectionError} error=${action.error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${action.pending}>${t("save")}</button>
    </div>
  </form>`;
}

import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { translator, useLocale } from "./i18n.js";
import { href } from "./router.js";
import { useSession } from "./session.js";
import { ErrorMessage, Loading, Page } from "./ui.js";

/**
 * Settings (`/settings`, `/settings/:section`): a nav of the sections the role may manage, and the section
 * the address names (the first of them at `/settings`). A section's module is loaded when it is first
 * opened. An address typed by hand still opens its section, whose API calls are then refused (403): the
 * section says so in words, rather than the console pretending the section does not exist.
 */

export const WORDS = {
  en: {
    title: "Settings",
    titleOf: "Settings: {section}",
    sections: "Settings sections",
    locations: "Locations",
    programs: "Programs",
    rewards: "Rewards",
    staff: "Staff and roles",
    moments: "Moments",
    branding: "Branding",
    keys: "Statement keys",
    noSection: "There is no settings section at this address.",
    nothing: "Your role manages no settings.",
  },
  fr: {
    title: "Réglages",
    titleOf: "Réglages : {section}",
    sections: "Rubriques des réglages",
    locations: "Emplacements",
    programs: "Programmes",
    rewards: "Récompenses",
    staff: "Équipe et rôles",
    moments: "Moments",
    branding: "Apparence",
    keys: "Clés des relevés",
    noSection: "Il n'y a pas de rubrique de réglages à cette adresse.",
    nothing: "Votre rôle ne gère aucun réglage.",
  },
};
const t = translator(WORDS);

/** Each section, the permission that lets a role manage it (as infra/routes.ts requires), its module. */
export const SECTIONS = [
  { id: "locations", permission: "locations:manage", load: () => import("./settings-locations.js") },
  { id: "programs", permission: "programs:manage", load: () => import("./settings-programs.js") },
  { id: "rewards", permission: "programs:manage", load: () => import("./settings-rewards.js") },
  { id: "staff", permission: "staff:manage", load: () => import("./settings-staff.js") },
  { id: "moments", permission: "programs:manage", load: () => import("./settings-moments.js") },
  { id: "branding", permission: "programs:manage", load: () => import("./settings-branding.js") },
  { id: "keys", permission: "keys:manage", load: () => import("./settings-keys.js") },
];

function Section({ section, query }) {
  const [loaded, setLoaded] = useState({ id: undefined });
  useEffect(() => {
    let current = true;
    section.load().then(
      (module) => current && setLoaded({ id: section.id, component: module.default }),
      (error) => current && setLoaded({ id: section.id, error }),
    );
    return () => {
      current = false;
    };
  }, [section.id]);
  if (loaded.id !== section.id) return html`<${Loading} />`;
  if (loaded.error) return html`<${ErrorMessage} error=${loaded.error} />`;
  const Component = loaded.component;
  return html`<${Component} query=${query} />`;
}

export default function SettingsPage({ params, query }) {
  useLocale();
  const session = useSession();
  const allowed = SECTIONS.filter((section) => session.can(section.permission));
  const section = params.section ? SECTIONS.find((s) => s.id === params.section) : allowed[0];
  const title = section ? t("titleOf", { section: t(section.id) }) : t("title");
  return html`<${Page} title=${title}>
    ${
      allowed.length
        ? html`<nav class="settings-nav" aria-label=${t("sections")}>
          <ul>
            ${allowed.map(
              (s) => html`<li>
                <a href=${href(`/settings/${s.id}`)} aria-current=${s === section ? "page" : undefined}>${t(s.id)}</a>
              </li>`,
            )}
          </ul>
        </nav>`
        : null
    }
    ${
      section
        ? html`<${Section} section=${section} query=${query} />`
        : html`<p>${params.section ? t("noSection") : t("nothing")}</p>`
    }
  <//>`;
}

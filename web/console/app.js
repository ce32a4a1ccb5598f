import { useEffect, useState } from "preact/hooks";
import { hasSession, signOut } from "./auth.js";
import { configure, get, SignedOut } from "./client.js";
import { html } from "./html.js";
import { LOCALES, setLocale, translator, useLocale } from "./i18n.js";
import { href, match, navigate, useRoute } from "./router.js";
import { homePath, NAV, ROUTES } from "./routes.js";
import { SessionContext, withPermissions } from "./session.js";
import { SignIn } from "./signin.js";
import { ErrorMessage, Loading, Page } from "./ui.js";

/** The frame: sign-in, the nav the role may use, the language switch, and the screen the address names. */

export const WORDS = {
  en: {
    appName: "Loyalty console",
    skip: "Skip to the content",
    nav: "Main",
    navActivity: "Activity",
    navCustomers: "Customers",
    navClaims: "Claims",
    navAlerts: "Alerts and holds",
    navSettings: "Settings",
    language: "Language",
    signOut: "Sign out",
    signedInAs: "{name} ({role})",
    notFound: "There is nothing at this address.",
    nothingAllowed: "Your role gives you no screen of the console. The scanner app is where you work.",
    role_owner: "owner",
    role_manager: "manager",
    role_staff: "staff",
  },
  fr: {
    appName: "Console fidélité",
    skip: "Aller au contenu",
    nav: "Principal",
    navActivity: "Activité",
    navCustomers: "Clients",
    navClaims: "Réclamations",
    navAlerts: "Alertes et validations",
    navSettings: "Réglages",
    language: "Langue",
    signOut: "Se déconnecter",
    signedInAs: "{name} ({role})",
    notFound: "Il n'y a rien à cette adresse.",
    nothingAllowed:
      "Votre rôle ne vous donne accès à aucun écran de la console. Vous travaillez avec l'application de caisse.",
    role_owner: "propriétaire",
    role_manager: "responsable",
    role_staff: "équipier",
  },
};
const t = translator(WORDS);

/** A screen's module, loaded the first time it is opened. */
function Screen({ route, session }) {
  const found = match(ROUTES, route.path);
  const [loaded, setLoaded] = useState({ load: undefined, component: undefined, error: undefined });
  useEffect(() => {
    if (!found) return;
    let current = true;
    found.component().then(
      (module) => current && setLoaded({ load: found.component, component: module.default }),
      (error) => current && setLoaded({ load: found.component, error }),
    );
    return () => {
      current = false;
    };
  }, [found?.component]);
  if (!found) {
    const home = homePath(session.can);
    if (route.path === "/" && home) navigate(home);
    return html`<${Page} title=${t("notFound")}><p>${home ? html`<a href=${href(home)}>${t(NAV.find((n) => n.path === home).word)}</a>` : t("nothingAllowed")}</p><//>`;
  }
  if (loaded.load !== found.component) return html`<${Loading} />`;
  if (loaded.error) return html`<${ErrorMessage} error=${loaded.error} />`;
  const Component = loaded.component;
  return html`<${Component} params=${found.params} query=${route.query} />`;
}

function Header({ session, onSignOut }) {
  const locale = useLocale();
  const route = useRoute();
  const items = session ? NAV.filter((item) => item.anyOf.some(session.can)) : [];
  return html`<header class="top">
    <a class="skip" href="#main" onClick=${(event) => {
      event.preventDefault();
      document.getElementById("main")?.focus();
    }}>${t("skip")}</a>
    <p class="brand">${session ? session.merchant.name : t("appName")}</p>
    ${
      items.length
        ? html`<nav aria-label=${t("nav")}>
          <ul>
            ${items.map(
              (item) => html`<li>
                <a href=${href(item.path)} aria-current=${route.path.startsWith(item.path) ? "page" : undefined}>${t(item.word)}</a>
              </li>`,
            )}
          </ul>
        </nav>`
        : null
    }
    <div class="who">
      <label for="locale">${t("language")}</label>
      <select id="locale" value=${locale} onChange=${(event) => setLocale(event.currentTarget.value)}>
        ${LOCALES.map((code) => html`<option value=${code} lang=${code}>${code === "fr" ? "Français" : "English"}</option>`)}
      </select>
      ${
        session
          ? html`<span>${t("signedInAs", { name: session.staff.name, role: t(`role_${session.staff.role}`) })}</span>
            <button type="button" class="link" onClick=${onSignOut}>${t("signOut")}</button>`
          : null
      }
    </div>
  </header>`;
}

export function App({ config }) {
  useLocale();
  const route = useRoute();
  const [state, setState] = useState({ phase: "starting" });

  const loadSession = async () => {
    try {
      const answer = await get("/v1/session");
      setState({ phase: "ready", session: withPermissions(answer) });
    } catch (error) {
      setState(error instanceof SignedOut ? { phase: "signin" } : { phase: "failed", error });
    }
  };

  useEffect(() => {
    configure(config, () => setState({ phase: "signin" }));
    hasSession().then((has) => (has ? loadSession() : setState({ phase: "signin" })));
  }, []);

  const onSignOut = async () => {
    await signOut(config);
    setState({ phase: "signin" });
  };

  let content;
  if (state.phase === "starting") content = html`<${Loading} />`;
  else if (state.phase === "signin") content = html`<${SignIn} config=${config} onSignedIn=${loadSession} />`;
  else if (state.phase === "failed")
    content = html`<${ErrorMessage} error=${state.error} onRetry=${loadSession} />`;
  else
    content = html`<${SessionContext.Provider} value=${state.session}><${Screen} route=${route} session=${state.session} /><//>`;

  return html`<${Header} session=${state.session} onSignOut=${onSignOut} />
    <main id="main" tabindex="-1">${content}</main>`;
}

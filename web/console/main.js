import { App } from "./app.js";
import { html, render } from "./html.js";
import { currentLocale } from "./i18n.js";

/** Starts the console: the sign-in settings of this stack (config.json), then the app. */
document.documentElement.lang = currentLocale();
const root = document.getElementById("app");
try {
  const response = await fetch("/console/config.json", { signal: AbortSignal.timeout(10_000) });
  const config = await response.json();
  root.textContent = "";
  render(html`<${App} config=${config} />`, root);
} catch {
  root.querySelector("[data-starting]").hidden = true;
  root.querySelector("[data-failed]").hidden = false;
}

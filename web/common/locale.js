/**
 * Which language a staff app speaks: the one picked on this device (kept under the app's own key), else
 * the browser's first of French and English, else English.
 */
export const LOCALES = ["fr", "en"];

export function initialLocale(key) {
  const saved = localStorage.getItem(key);
  if (LOCALES.includes(saved)) return saved;
  const preferred = (navigator.languages ?? [navigator.language]).map(
    (tag) => tag.toLowerCase().split("-")[0],
  );
  return preferred.find((tag) => LOCALES.includes(tag)) ?? "en";
}

/** Keeps the choice on the device and tells the page (screen readers read it in that language). */
export function keepLocale(key, next) {
  const locale = LOCALES.includes(next) ? next : "en";
  localStorage.setItem(key, locale);
  document.documentElement.lang = locale;
  return locale;
}

import { useEffect, useState } from "preact/hooks";
import { initialLocale, keepLocale, LOCALES } from "./locale.js";

/**
 * The console's words in French and English. Each module keeps its own words beside its code
 * (`const t = translator({ en: {…}, fr: {…} })`) and exports them as `WORDS` for the test that checks both
 * languages say everything. The language is the browser's (fr when it prefers French, else en) until the
 * user picks one, kept on the device. What the API writes (an entry's explanation) stays in its English and
 * is marked so (`lang="en"`, see `ApiText`).
 */

export { LOCALES };

const SAVED = "console.locale";
const listeners = new Set();

let locale = initialLocale(SAVED);

export const currentLocale = () => locale;

export function setLocale(next) {
  locale = keepLocale(SAVED, next);
  for (const listener of listeners) listener(locale);
}

/** Re-renders the calling component when the language changes; returns the language. */
export function useLocale() {
  const [current, set] = useState(locale);
  useEffect(() => {
    listeners.add(set);
    return () => listeners.delete(set);
  }, []);
  return current;
}

const fill = (text, params) => text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));

/** `t(key, params)` over a module's words, in the current language, `{names}` filled in. */
export function translator(words) {
  return (key, params = {}) => fill(words[locale]?.[key] ?? words.en[key] ?? key, params);
}

/** A date-time in the reader's language and time zone. */
export const formatDateTime = (iso) =>
  iso
    ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso))
    : "";

/** A calendar day (an expiry date, `yyyy-mm-dd` or a date-time). */
export const formatDate = (iso) =>
  iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso)) : "";

/** Points are integers; shown with the language's grouping. */
export const formatPoints = (points) => new Intl.NumberFormat(locale).format(points);

/**
 * Money as the API sends it, a decimal string and a currency: formatted from the string's own digits, never
 * through a float, so 0.10 + 0.20 shows what was paid.
 */
export function formatMoney(amount, currency) {
  const negative = amount.startsWith("-");
  const [units = "0", cents = ""] = amount.replace("-", "").split(".");
  const shape = new Intl.NumberFormat(locale, { style: "currency", currency }).formatToParts(0);
  const decimals = shape.find((part) => part.type === "fraction")?.value.length ?? 0;
  const text = {
    integer: new Intl.NumberFormat(locale).format(BigInt(units)),
    fraction: cents.padEnd(decimals, "0").slice(0, Math.max(decimals, cents.length)),
    minusSign: "",
  };
  const formatted = shape.map((part) => text[part.type] ?? part.value).join("");
  return negative ? `-${formatted}` : formatted;
}

/**
 * The purchase amount as staff type it, in their locale ("23,40" in French, "23.40" in English), turned
 * into the API's decimal string ("23.40"). Never through a float: the API computes points from the exact
 * digits, and so must what we send.
 */

/** The separator a locale groups thousands with, when it is a comma or a dot (French groups with a space). */
function groupSeparator(locale) {
  const group = new Intl.NumberFormat(locale).formatToParts(12345678).find((part) => part.type === "group");
  return group?.value === "," || group?.value === "." ? group.value : undefined;
}

/** The currency's minor units (EUR 2, JPY 0), as the API checks them. */
export function currencyDecimals(currency) {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/**
 * `{ ok: true, amount }` with the amount padded to the currency's decimals ("23,4" → "23.40"), or
 * `{ ok: false, reason }`: "required", "invalid", "decimals" (more than the currency has) or "zero".
 * A comma or a dot is the decimal separator, whichever comes last; the other one, or the locale's own
 * thousands separator followed by three digits, groups thousands. Spaces (also non-breaking) are ignored.
 */
export function parseAmount(text, locale, currency) {
  const decimals = currencyDecimals(currency);
  const compact = String(text ?? "").replace(/[\s\u00a0\u202f']/g, "");
  if (compact === "") return { ok: false, reason: "required" };
  if (!/^[0-9.,]+$/.test(compact)) return { ok: false, reason: "invalid" };
  const separators = [...new Set(compact.replace(/\d/g, ""))];
  let decimal;
  if (separators.length === 2) {
    decimal = compact.lastIndexOf(",") > compact.lastIndexOf(".") ? "," : ".";
  } else if (separators.length === 1) {
    const [separator] = separators;
    const once = compact.indexOf(separator) === compact.lastIndexOf(separator);
    const thousands = separator === groupSeparator(locale) && /^\d{1,3}[.,]\d{3}$/.test(compact);
    decimal = once && !thousands ? separator : undefined;
  }
  const at = decimal ? compact.lastIndexOf(decimal) : compact.length;
  let whole = compact.slice(0, at);
  const fraction = decimal ? compact.slice(at + 1) : "";
  if (decimal && !/^\d+$/.test(fraction)) return { ok: false, reason: "invalid" };
  if (/[.,]/.test(whole)) {
    // Grouped thousands, with the separator that is not the decimal one: "1 234,50", "1,234.50", "1.234.567".
    if ((decimal && whole.includes(decimal)) || !/^\d{1,3}([.,]\d{3})+$/.test(whole)) {
      return { ok: false, reason: "invalid" };
    }
    whole = whole.replace(/[.,]/g, "");
  }
  if (whole === "") whole = "0";
  if (fraction.length > decimals) return { ok: false, reason: "decimals", decimals };
  whole = whole.replace(/^0+(?=\d)/, "");
  if (whole.length > 12) return { ok: false, reason: "invalid" };
  if (/^0*$/.test(whole + fraction)) return { ok: false, reason: "zero" };
  return { ok: true, amount: decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, "0")}` };
}

/** An API amount ("23.40") shown in the staff's locale ("23,40 €"); display only, so a float is fine here. */
export function formatAmount(amount, currency, locale) {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
}

import { createHash } from "node:crypto";
import type { Locale } from "./ledger/entry-types.ts";
import { escapeMarkup } from "./markup.ts";

/**
 * What the server-rendered pages (the portal, the join pages) share: each inlines its script and styles
 * and allows exactly those in its Content-Security-Policy by hash.
 */

/** A CSP source allowing this inline script or style, and nothing else. */
export const cspHash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/**
 * The document's start up to `</head>`: language, mobile viewport, no referrer sent, an empty data: icon
 * (so browsers ask for no /favicon.ico), the title and the inline styles.
 */
export function pageHead(locale: Locale, title: string, styles: readonly string[]): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeMarkup(title)}</title>
${styles.map((style) => `<style>${style}</style>`).join("\n")}
</head>`;
}

/** fr or en from Accept-Language (the first of the two it names, by preference), else `fallback`. */
export function localeFromAcceptLanguage(header: string | undefined, fallback: Locale): Locale {
  const ranked = (header ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = Number(
        params
          .find((p) => p.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? "1",
      );
      return { base: tag.toLowerCase().split("-")[0], q: Number.isFinite(q) ? q : 0, index };
    })
    .filter(
      (entry): entry is { base: Locale; q: number; index: number } =>
        entry.base === "fr" || entry.base === "en",
    )
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.base ?? fallback;
}

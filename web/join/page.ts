import type { JoinPageFacts } from "../../shared/customers/join-merchant.ts";
import { cspHash, pageHead } from "../../shared/html-page.ts";
import type { Locale } from "../../shared/ledger/entry-types.ts";
import { escapeMarkup } from "../../shared/markup.ts";
import { JOIN_SCRIPT } from "./script.ts";
import { JOIN_STYLE } from "./style.ts";
import { brandColours, themeStyle } from "./theme.ts";

/**
 * The join page (`/join/{merchantId}`) and the find-my-card page (`/join/{merchantId}/card`), rendered on
 * the server with the merchant's name, colours, logo and earning rules: one request shows the page as it
 * is meant to look, which at a counter, on a phone's network, is what "fast" means. The script and the
 * common stylesheet are constants; the merchant's colours are a second small stylesheet, and the
 * Content-Security-Policy of each response allows exactly these by hash: nothing external, no framing,
 * requests to this origin only.
 */

export type JoinView = "join" | "card";

const csp = (styles: readonly string[], script: boolean) =>
  [
    "default-src 'none'",
    ...(script ? [`script-src ${cspHash(JOIN_SCRIPT)}`] : []),
    `style-src ${styles.map(cspHash).join(" ")}`,
    "connect-src 'self'",
    // The logo is inline (data:); the empty data: icon keeps browsers from asking for a favicon.
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");

const TEXT = {
  fr: {
    skip: "Aller au formulaire",
    language: "Langue de la page",
    other: { locale: "en", name: "English" },
    joinTitle: (m: string) => `Votre carte de fidélité ${m}`,
    joinLead: "Une minute pour vous inscrire, et la carte s'ajoute à votre téléphone.",
    cardTitle: "Retrouver ma carte",
    cardLead: "Un nouveau lien vers votre carte, envoyé à l'adresse de votre inscription.",
    cardForm: "Recevoir un nouveau lien",
    earn: "Comment gagner des points",
    details: "Vos informations",
    name: "Nom",
    contactHint:
      "Un e-mail, un téléphone, ou les deux : c'est là que nous pourrons vous renvoyer votre carte.",
    email: "E-mail",
    phone: "Téléphone",
    locale: "Langue de vos messages",
    consents: "Vos messages",
    transactional:
      "Messages sur ma carte et mes points (liens de la carte, points gagnés, points qui vont expirer)",
    marketing: (m: string) => `Offres et nouvelles de ${m}`,
    consentHint: "Chaque choix est facultatif et se change à tout moment depuis la page de votre carte.",
    terms: "Conditions du programme de fidélité",
    join: "Créer ma carte",
    haveCard: "Vous avez déjà une carte ? Retrouvez-la",
    noCard: "Pas encore de carte ? Inscrivez-vous",
    done: "Votre carte est prête",
    doneHint: "Ajoutez-la à votre téléphone :",
    apple: "Ajouter à Apple Wallet",
    google: "Enregistrer dans Google Wallet",
    noWallet: "Votre carte est sur sa page, qui s'ouvre dans n'importe quel navigateur.",
    portal: "La page de ma carte (solde, historique, informations)",
    portalHint: "Gardez ce lien : il ouvre votre carte sans mot de passe.",
    sent: "Carte envoyée",
    sentText:
      "Cette adresse e-mail ou ce numéro a déjà une carte ici : nous l'y avons envoyée. Ouvrez le message pour ajouter la carte à votre téléphone.",
    address: "E-mail ou téléphone de votre inscription",
    addressHint:
      "S'il correspond à une carte, nous y envoyons un message avec ses liens. Les anciens liens restent valables.",
    send: "Recevoir ma carte",
    noScript: "Cette page a besoin de JavaScript pour envoyer le formulaire.",
    notFoundTitle: "Programme introuvable",
    notFound: "Ce programme de fidélité est introuvable. Vérifiez le lien ou demandez au magasin.",
  },
  en: {
    skip: "Skip to the form",
    language: "Page language",
    other: { locale: "fr", name: "Français" },
    joinTitle: (m: string) => `Your ${m} loyalty card`,
    joinLead: "One minute to join, and the card goes on your phone.",
    cardTitle: "Find my card",
    cardLead: "A fresh link to your card, sent to the address you joined with.",
    cardForm: "Get a fresh link",
    earn: "How you earn points",
    details: "Your details",
    name: "Name",
    contactHint: "An email, a phone number, or both: that is where we can send your card again.",
    email: "Email",
    phone: "Phone",
    locale: "Language of your messages",
    consents: "Your messages",
    transactional:
      "Messages about my card and my points (the card's links, points earned, points about to expire)",
    marketing: (m: string) => `Offers and news from ${m}`,
    consentHint: "Each choice is optional and can be changed at any time from your card's page.",
    terms: "Loyalty programme terms",
    join: "Get my card",
    haveCard: "Already have a card? Find it again",
    noCard: "No card yet? Join",
    done: "Your card is ready",
    doneHint: "Add it to your phone:",
    apple: "Add to Apple Wallet",
    google: "Save to Google Wallet",
    noWallet: "Your card is on its page, which opens in any browser.",
    portal: "My card's page (balance, history, details)",
    portalHint: "Keep this link: it opens your card without a password.",
    sent: "Card sent",
    sentText:
      "This email address or phone number already has a card here: we sent it there. Open the message to add the card to your phone.",
    address: "Email or phone you joined with",
    addressHint:
      "If it belongs to a card, we send it a message with the card's links. Earlier links keep working.",
    send: "Send me my card",
    noScript: "This page needs JavaScript to send the form.",
    notFoundTitle: "Programme not found",
    notFound: "This loyalty programme cannot be found. Check the link or ask the shop.",
  },
} as const;

/** A page's address with its query, e.g. for the language switch: the location travels along. */
function href(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  return params ? `${path}?${params}` : path;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function header(facts: JoinPageFacts, locale: Locale, view: JoinView, title: string, lead: string): string {
  const words = TEXT[locale];
  const path = `/join/${encodeURIComponent(facts.merchantId)}${view === "card" ? "/card" : ""}`;
  const switchTo = href(path, { lang: words.other.locale, location: facts.location?.id });
  const logo = facts.branding.logoPngBase64;
  return `<a class="skip" href="#main">${words.skip}</a>
<header class="brand">
<div class="brand-in">
<div class="top">
<p class="who">${logo && BASE64.test(logo) ? `<img class="logo" src="data:image/png;base64,${logo}" alt="">` : ""}<span>${escapeMarkup(facts.name)}</span></p>
<nav aria-label="${words.language}"><a class="lang" href="${escapeMarkup(switchTo)}" lang="${words.other.locale}" hreflang="${words.other.locale}">${words.other.name}</a></nav>
</div>
<h1>${escapeMarkup(title)}</h1>
<p class="lead">${escapeMarkup(lead)}</p>
</div>
</header>`;
}

function earning(facts: JoinPageFacts, locale: Locale): string {
  const shown = facts.location ? [facts.location] : facts.locations;
  const rules = shown.filter((l) => l.rule !== null);
  if (rules.length === 0) return "";
  // French puts a (narrow no-break) space before a colon.
  const colon = locale === "fr" ? "\u202f:" : ":";
  return `<section aria-labelledby="earn-h">
<h2 id="earn-h">${TEXT[locale].earn}</h2>
<ul>
${rules.map((l) => `<li><strong>${escapeMarkup(l.name)}</strong>${colon} ${escapeMarkup(l.rule ?? "")}</li>`).join("\n")}
</ul>
</section>`;
}

function joinMain(facts: JoinPageFacts, locale: Locale): string {
  const w = TEXT[locale];
  const merchant = escapeMarkup(facts.name);
  const option = (value: Locale, name: string) =>
    `<option value="${value}" lang="${value}"${value === locale ? " selected" : ""}>${name}</option>`;
  const terms = facts.branding.termsUrl
    ? `<p><a href="${escapeMarkup(facts.branding.termsUrl)}">${w.terms}</a></p>`
    : "";
  return `<main id="main" tabindex="-1">
${earning(facts, locale)}
<section id="join" aria-labelledby="form-h">
<h2 id="form-h">${w.details}</h2>
<noscript><p class="notice error">${w.noScript}</p></noscript>
<form id="join-form" novalidate data-merchant="${escapeMarkup(facts.merchantId)}"${facts.location ? ` data-location="${escapeMarkup(facts.location.id)}"` : ""}>
<label for="name">${w.name}</label>
<input id="name" name="name" autocomplete="name" required maxlength="120" aria-describedby="name-error">
<p id="name-error" class="field-error"></p>
<p id="contact-hint" class="hint">${w.contactHint}</p>
<label for="email">${w.email}</label>
<input id="email" name="email" type="email" autocomplete="email" maxlength="254" aria-describedby="contact-hint email-error">
<p id="email-error" class="field-error"></p>
<label for="phone">${w.phone}</label>
<input id="phone" name="phone" type="tel" autocomplete="tel" maxlength="40" aria-describedby="contact-hint phone-error">
<p id="phone-error" class="field-error"></p>
<label for="locale">${w.locale}</label>
<select id="locale" name="locale">${option("fr", "Français")}${option("en", "English")}</select>
<fieldset aria-describedby="consent-hint">
<legend>${w.consents}</legend>
<label class="check"><input id="transactional" name="transactional" type="checkbox"> <span>${w.transactional}</span></label>
<label class="check"><input id="marketing" name="marketing" type="checkbox"> <span>${w.marketing(merchant)}</span></label>
<p id="consent-hint" class="hint">${w.consentHint}</p>
</fieldset>
${terms}
<button type="submit">${w.join}</button>
<p id="form-status" class="notice" role="status" aria-live="polite"></p>
</form>
<p class="other"><a href="${escapeMarkup(href(`/join/${encodeURIComponent(facts.merchantId)}/card`, { lang: locale }))}">${w.haveCard}</a></p>
</section>
<section id="done" aria-labelledby="done-h" hidden>
<h2 id="done-h" tabindex="-1">${w.done}</h2>
<p class="hint">${w.doneHint}</p>
<div id="wallets" class="wallets">
<a id="apple" class="button" href="#apple" hidden>${w.apple}</a>
<a id="google" class="button" href="#google" hidden>${w.google}</a>
</div>
<p id="no-wallet" class="hint" hidden>${w.noWallet}</p>
<p><a id="portal" class="portal" href="#portal">${w.portal}</a></p>
<p class="hint">${w.portalHint}</p>
</section>
<section id="sent" aria-labelledby="sent-h" hidden>
<h2 id="sent-h" tabindex="-1">${w.sent}</h2>
<p>${w.sentText}</p>
</section>
</main>`;
}

function cardMain(facts: JoinPageFacts, locale: Locale): string {
  const w = TEXT[locale];
  return `<main id="main" tabindex="-1">
<section id="join" aria-labelledby="form-h">
<h2 id="form-h">${w.cardForm}</h2>
<noscript><p class="notice error">${w.noScript}</p></noscript>
<form id="card-form" novalidate data-merchant="${escapeMarkup(facts.merchantId)}">
<label for="address">${w.address}</label>
<input id="address" name="address" autocomplete="email" required maxlength="254" aria-describedby="address-hint address-error">
<p id="address-hint" class="hint">${w.addressHint}</p>
<p id="address-error" class="field-error"></p>
<button type="submit">${w.send}</button>
<p id="form-status" class="notice" role="status" aria-live="polite"></p>
</form>
<p class="other"><a href="${escapeMarkup(href(`/join/${encodeURIComponent(facts.merchantId)}`, { lang: locale, location: facts.location?.id }))}">${w.noCard}</a></p>
</section>
</main>`;
}

export interface RenderedPage {
  html: string;
  /** The Content-Security-Policy that allows exactly this page's script and styles. */
  csp: string;
}

/** The join page or the find-my-card page of a merchant, in a language. */
export function joinPage(facts: JoinPageFacts, locale: Locale, view: JoinView): RenderedPage {
  const w = TEXT[locale];
  const styles = [JOIN_STYLE, themeStyle(brandColours(facts.branding))];
  const title = view === "join" ? w.joinTitle(facts.name) : w.cardTitle;
  const lead = view === "join" ? w.joinLead : w.cardLead;
  const html = `${pageHead(locale, view === "join" ? title : `${title} – ${facts.name}`, styles)}
<body>
${header(facts, locale, view, title, lead)}
${view === "join" ? joinMain(facts, locale) : cardMain(facts, locale)}
<script>${JOIN_SCRIPT}</script>
</body>
</html>
`;
  return { html, csp: csp(styles, true) };
}

/** An unknown (or not yet open) merchant: the same small page whichever it is. */
export function joinNotFoundPage(locale: Locale): RenderedPage {
  const w = TEXT[locale];
  const styles = [JOIN_STYLE, themeStyle(brandColours({}))];
  const html = `${pageHead(locale, w.notFoundTitle, styles)}
<body>
<main id="main">
<h1>${w.notFoundTitle}</h1>
<p>${w.notFound}</p>
</main>
</body>
</html>
`;
  return { html, csp: csp(styles, false) };
}

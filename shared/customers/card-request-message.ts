import type { Locale } from "../ledger/entry-types.ts";
import { escapeMarkup } from "../markup.ts";

/**
 * The message that carries a member's card to the address they joined with: sent when someone asks for it
 * (find my card) or tries to join again with an address that already has a card. Whoever typed the
 * address may not own it, so the message names the shop and holds the links, nothing else: no name, no
 * balance. It is what the recipient (or someone using their address) asked for, not marketing, so it goes
 * out whatever the member's marketing consent and carries no unsubscribe link.
 */

export interface CardMessageContext {
  locale: Locale;
  merchantName: string;
  appleWalletUrl: string | null;
  googleWalletUrl: string | null;
  portalUrl: string;
  /** The find-my-card page, for a fresh Apple Wallet link once this one has expired. */
  againUrl: string;
}

const WORDS = {
  en: (c: CardMessageContext) => ({
    subject: `Your loyalty card at ${c.merchantName}`,
    intro: ["Hello,", `Someone asked for the loyalty card of this address at ${c.merchantName}. Here it is:`],
    apple: "Add to Apple Wallet",
    google: "Save to Google Wallet",
    portal: "Your card's page (balance, history, details)",
    outro: [
      `The Apple Wallet link expires after a few days; for a new one, ask again at ${c.againUrl}. Earlier links to your card's page keep working.`,
      "If you did not ask, you can ignore this email: the links went to this address only.",
      `— ${c.merchantName}`,
    ],
  }),
  fr: (c: CardMessageContext) => ({
    subject: `Votre carte de fidélité ${c.merchantName}`,
    intro: [
      "Bonjour,",
      `Quelqu'un a demandé la carte de fidélité de cette adresse chez ${c.merchantName}. La voici :`,
    ],
    apple: "Ajouter à Apple Wallet",
    google: "Enregistrer dans Google Wallet",
    portal: "La page de votre carte (solde, historique, informations)",
    outro: [
      `Le lien Apple Wallet expire au bout de quelques jours ; pour en avoir un nouveau, redemandez-le sur ${c.againUrl}. Les anciens liens vers la page de votre carte restent valables.`,
      "Si vous n'avez rien demandé, ignorez cet e-mail : les liens n'ont été envoyés qu'à cette adresse.",
      `— ${c.merchantName}`,
    ],
  }),
};

/** The links of the message, in the order the e-mail lists them; a wallet not configured here is left out. */
function links(c: CardMessageContext, words: ReturnType<(typeof WORDS)["en"]>) {
  return [
    ...(c.appleWalletUrl ? [{ label: words.apple, url: c.appleWalletUrl }] : []),
    ...(c.googleWalletUrl ? [{ label: words.google, url: c.googleWalletUrl }] : []),
    { label: words.portal, url: c.portalUrl },
  ];
}

export function cardEmail(c: CardMessageContext): { subject: string; text: string; html: string } {
  const words = WORDS[c.locale](c);
  const list = links(c, words);
  return {
    subject: words.subject,
    text: `${[...words.intro, ...list.map((l) => `${l.label}:\n${l.url}`), ...words.outro].join("\n\n")}\n`,
    html: [
      "<!doctype html>",
      `<html lang="${c.locale}"><head><meta charset="utf-8"><title>${escapeMarkup(words.subject)}</title></head>`,
      '<body style="font-family:sans-serif;line-height:1.5;color:#202c39">',
      ...words.intro.map((p) => `<p>${escapeMarkup(p)}</p>`),
      "<ul>",
      ...list.map((l) => `<li><a href="${escapeMarkup(l.url)}">${escapeMarkup(l.label)}</a></li>`),
      "</ul>",
      ...words.outro.map((p) => `<p>${escapeMarkup(p)}</p>`),
      "</body></html>",
    ].join("\n"),
  };
}

/**
 * A text message: the card's page and the Apple Wallet link. Google's save link is a signed token of a
 * kilobyte or more, too long for a text; Android users reach their card from its page.
 */
export function cardSms(c: CardMessageContext): string {
  const apple = c.appleWalletUrl;
  return c.locale === "fr"
    ? `${c.merchantName} : votre carte de fidélité, comme demandé. Sa page : ${c.portalUrl}${apple ? ` Apple Wallet : ${apple}` : ""} Pas vous ? Ignorez ce message.`
    : `${c.merchantName}: your loyalty card, as asked. Its page: ${c.portalUrl}${apple ? ` Apple Wallet: ${apple}` : ""} Not you? Ignore this message.`;
}

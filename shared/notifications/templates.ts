import { dateTimeFormat, numberFormat, pluralRules } from "../intl-formats.ts";
import { explainForMember, type Locale } from "../ledger/entry-types.ts";
import { escapeMarkup } from "../markup.ts";
import type { MomentFacts } from "./moments.ts";
import type { Moment } from "./outbox.ts";
import type { MemberLinks } from "./welcome.ts";

/** Who the message is for and from; `balance` is the current one (entries bring their own balance after). */
export interface MessageContext {
  locale: Locale;
  merchantName: string;
  customerName: string;
  balance: number;
  /** The member's card and portal links, for the Welcome e-mail (made when it is sent). */
  links?: MemberLinks;
}

/** One template's output: the subject and the body's paragraphs, plain text, laid out per channel below. */
export interface Message {
  subject: string;
  paragraphs: string[];
  /** Links after the paragraphs: "label: URL" in text, an anchor in HTML. */
  actions?: { label: string; url: string }[];
}

/** The links of the Welcome e-mail that this deployment has, labelled in the member's language. */
function welcomeActions(
  links: MemberLinks | undefined,
  labels: { apple: string; google: string; portal: string },
): { label: string; url: string }[] {
  if (!links) return [];
  return [
    ...(links.appleWalletUrl ? [{ label: labels.apple, url: links.appleWalletUrl }] : []),
    ...(links.googleWalletUrl ? [{ label: labels.google, url: links.googleWalletUrl }] : []),
    { label: labels.portal, url: links.portalUrl },
  ];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

interface Format {
  /** "23 points", "1 point", "1 234 points" in the locale. */
  points(n: number): string;
  /** The singular or plural form, for verbs that agree with a number of points. */
  agree(n: number, one: string, other: string): string;
  date(iso: string): string;
}

function formatFor(locale: Locale): Format {
  const intl = locale === "fr" ? "fr-FR" : "en-GB";
  const numbers = numberFormat(intl, { maximumFractionDigits: 0 });
  const plurals = pluralRules(intl);
  // Expiry instants are written in UTC (the expiry job's day): the date is the UTC one.
  const dates = dateTimeFormat(intl, {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  return {
    points: (n) => `${numbers.format(n)} ${plurals.select(n) === "one" ? "point" : "points"}`,
    agree: (n, one, other) => (plurals.select(n) === "one" ? one : other),
    date: (iso) => dates.format(new Date(iso)),
  };
}

type Template<M extends Moment> = (
  facts: Extract<MomentFacts, { moment: M }>,
  context: MessageContext,
  f: Format,
) => Message;

type Templates = { [M in Moment]: Template<M> };

/** The balance a message shows: the one right after the entry, else the current one. */
const balanceOf = (facts: MomentFacts, context: MessageContext) =>
  "entry" in facts ? facts.entry.balanceAfter : context.balance;

/** The dearest reward reached leads; the others follow. */
const headlineReward = (rewards: { name: string; points: number }[]) => rewards[rewards.length - 1];

const EN: Templates = {
  points_earned: ({ entry }, c, f) => ({
    subject: `You earned ${f.points(entry.points)} at ${c.merchantName}`,
    paragraphs: [
      `You earned ${f.points(entry.points)} at ${c.merchantName}.`,
      `How they were counted: ${explainForMember(entry, "en")}`,
      `Your balance: ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  points_added: ({ entry }, c, f) => ({
    subject: `${f.points(entry.points)} added to your card`,
    paragraphs: [
      `${c.merchantName} added ${f.points(entry.points)} to your card.`,
      `Details: ${explainForMember(entry, "en")}`,
      `Your balance: ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  reward_unlocked: (facts, _c, f) => {
    const top = headlineReward(facts.rewards);
    const others = facts.rewards.slice(0, -1).map((r) => r.name);
    return {
      subject: `You can now get ${top?.name}`,
      paragraphs: [
        `With ${f.points(facts.entry.balanceAfter)}, you can now get ${top?.name} (${f.points(top?.points ?? 0)}).`,
        ...(others.length > 0 ? [`Also within reach: ${others.join(", ")}.`] : []),
        "Ask for it on your next visit.",
      ],
    };
  },
  points_expiring: (facts, c, f) =>
    facts.points === undefined
      ? {
          subject: `Your ${f.points(c.balance)} will expire on ${f.date(facts.expiresAt)}`,
          paragraphs: [
            `Your whole balance, ${f.points(c.balance)}, will expire on ${f.date(facts.expiresAt)} unless you earn points before then.`,
          ],
        }
      : {
          subject: `${f.points(facts.points)} will expire on ${f.date(facts.expiresAt)}`,
          paragraphs: [
            `${f.points(facts.points)} on your card will expire on ${f.date(facts.expiresAt)}. Use them before then.`,
            `Your balance: ${f.points(c.balance)}.`,
          ],
        },
  points_expired: ({ entry }, _c, f) => ({
    subject: `${f.points(-entry.points)} expired`,
    paragraphs: [
      `${f.points(-entry.points)} on your card expired.`,
      `Details: ${explainForMember(entry, "en")}`,
      `Your balance: ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  redemption_refunded: (facts, _c, f) => ({
    subject: `${f.points(facts.entry.points)} given back`,
    paragraphs: [
      `Your redemption${facts.rewardName ? ` of ${facts.rewardName}` : ""} was cancelled: ${f.points(facts.entry.points)} back on your card.`,
      `Your balance: ${f.points(facts.entry.balanceAfter)}.`,
    ],
  }),
  claim_decided: (facts, c, f) =>
    facts.approved
      ? {
          subject: "Your claim was approved",
          paragraphs: [
            `Your claim for missing points was approved: ${f.points(facts.entry.points)} added to your card.`,
            `Your balance: ${f.points(facts.entry.balanceAfter)}.`,
          ],
        }
      : {
          subject: "Your claim was not approved",
          paragraphs: [
            `Your claim for missing points was not approved by ${c.merchantName}.`,
            ...(facts.reason ? [`Reason: ${facts.reason}`] : []),
          ],
        },
  tier_reached: ({ entry }, c, f) => ({
    subject: `You are now ${entry.inputs.to} at ${c.merchantName}`,
    paragraphs: [
      `You are now ${entry.inputs.to} in ${c.merchantName}'s loyalty programme.`,
      `Why: ${explainForMember(entry, "en")}`,
      `Your balance: ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  welcome: (_facts, c) => ({
    subject: `Your ${c.merchantName} loyalty card`,
    paragraphs: [
      `Welcome to ${c.merchantName}'s loyalty programme: your card is ready.`,
      "Add it to your phone's wallet, and show it at the till to earn points. Your member space shows your points, their history and your details.",
    ],
    actions: welcomeActions(c.links, {
      apple: "Add to Apple Wallet",
      google: "Save to Google Wallet",
      portal: "Your member space",
    }),
  }),
};

const FR: Templates = {
  points_earned: ({ entry }, c, f) => ({
    subject: `Vous avez gagné ${f.points(entry.points)} chez ${c.merchantName}`,
    paragraphs: [
      `Vous avez gagné ${f.points(entry.points)} chez ${c.merchantName}.`,
      `Calcul : ${explainForMember(entry, "fr")}`,
      `Votre solde : ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  points_added: ({ entry }, c, f) => ({
    subject: `${f.points(entry.points)} ${f.agree(entry.points, "ajouté", "ajoutés")} à votre carte`,
    paragraphs: [
      `${c.merchantName} a ajouté ${f.points(entry.points)} à votre carte.`,
      `Détail : ${explainForMember(entry, "fr")}`,
      `Votre solde : ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  reward_unlocked: (facts, _c, f) => {
    const top = headlineReward(facts.rewards);
    const others = facts.rewards.slice(0, -1).map((r) => r.name);
    return {
      subject: `Vous pouvez maintenant obtenir : ${top?.name}`,
      paragraphs: [
        `Avec ${f.points(facts.entry.balanceAfter)}, vous pouvez maintenant obtenir : ${top?.name} (${f.points(top?.points ?? 0)}).`,
        ...(others.length > 0 ? [`Également à portée : ${others.join(", ")}.`] : []),
        "Pensez-y lors de votre prochaine visite.",
      ],
    };
  },
  points_expiring: (facts, c, f) =>
    facts.points === undefined
      ? {
          subject: `Vos ${f.points(c.balance)} expireront le ${f.date(facts.expiresAt)}`,
          paragraphs: [
            `La totalité de votre solde, ${f.points(c.balance)}, expirera le ${f.date(facts.expiresAt)} si vous ne gagnez pas de points d'ici là.`,
          ],
        }
      : {
          subject: `${f.points(facts.points)} ${f.agree(facts.points, "expirera", "expireront")} le ${f.date(facts.expiresAt)}`,
          paragraphs: [
            `${f.points(facts.points)} de votre carte ${f.agree(facts.points, "expirera", "expireront")} le ${f.date(facts.expiresAt)}. Pensez à les utiliser avant cette date.`,
            `Votre solde : ${f.points(c.balance)}.`,
          ],
        },
  points_expired: ({ entry }, _c, f) => ({
    subject: `${f.points(-entry.points)} ${f.agree(-entry.points, "a expiré", "ont expiré")}`,
    paragraphs: [
      `${f.points(-entry.points)} de votre carte ${f.agree(-entry.points, "a expiré", "ont expiré")}.`,
      `Détail : ${explainForMember(entry, "fr")}`,
      `Votre solde : ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  redemption_refunded: (facts, _c, f) => ({
    subject: `${f.points(facts.entry.points)} ${f.agree(facts.entry.points, "rendu", "rendus")}`,
    paragraphs: [
      `Votre échange${facts.rewardName ? ` contre ${facts.rewardName}` : ""} a été annulé : ${f.points(facts.entry.points)} de retour sur votre carte.`,
      `Votre solde : ${f.points(facts.entry.balanceAfter)}.`,
    ],
  }),
  claim_decided: (facts, c, f) =>
    facts.approved
      ? {
          subject: "Votre réclamation a été acceptée",
          paragraphs: [
            `Votre réclamation de points manquants a été acceptée : ${f.points(facts.entry.points)} ${f.agree(facts.entry.points, "ajouté", "ajoutés")} à votre carte.`,
            `Votre solde : ${f.points(facts.entry.balanceAfter)}.`,
          ],
        }
      : {
          subject: "Votre réclamation n'a pas été acceptée",
          paragraphs: [
            `Votre réclamation de points manquants n'a pas été acceptée par ${c.merchantName}.`,
            ...(facts.reason ? [`Motif : ${facts.reason}`] : []),
          ],
        },
  tier_reached: ({ entry }, c, f) => ({
    subject: `Vous êtes maintenant ${entry.inputs.to} chez ${c.merchantName}`,
    paragraphs: [
      `Vous êtes maintenant ${entry.inputs.to} dans le programme de fidélité de ${c.merchantName}.`,
      `Pourquoi : ${explainForMember(entry, "fr")}`,
      `Votre solde : ${f.points(entry.balanceAfter)}.`,
    ],
  }),
  welcome: (_facts, c) => ({
    subject: `Votre carte de fidélité ${c.merchantName}`,
    paragraphs: [
      `Bienvenue dans le programme de fidélité de ${c.merchantName} : votre carte est prête.`,
      "Ajoutez-la au portefeuille de votre téléphone et présentez-la en caisse pour gagner des points. Votre espace membre montre vos points, leur historique et vos coordonnées.",
    ],
    actions: welcomeActions(c.links, {
      apple: "Ajouter à Apple Wallet",
      google: "Enregistrer dans Google Wallet",
      portal: "Votre espace membre",
    }),
  }),
};

const TEMPLATES: Record<Locale, Templates> = { en: EN, fr: FR };

const FRAME: Record<
  Locale,
  {
    greeting: (name: string) => string;
    footer: (merchant: string) => string;
    optOut: string;
    /** The label, then the link, with the locale's punctuation. */
    optOutLine: (url: string) => string;
    actionLine: (label: string, url: string) => string;
  }
> = {
  en: {
    actionLine: (label, url) => `${label}: ${url}`,
    greeting: (name) => `Hello ${name},`,
    footer: (merchant) => `You receive this email as a member of ${merchant}'s loyalty programme.`,
    optOut: "Stop these emails",
    optOutLine: (url) => `Stop these emails: ${url}`,
  },
  fr: {
    actionLine: (label, url) => `${label} : ${url}`,
    greeting: (name) => `Bonjour ${name},`,
    footer: (merchant) =>
      `Vous recevez cet e-mail en tant que membre du programme de fidélité de ${merchant}.`,
    optOut: "Ne plus recevoir ces e-mails",
    optOutLine: (url) => `Ne plus recevoir ces e-mails : ${url}`,
  },
};

/** The Moment's message in the customer's language. */
export function renderMessage(facts: MomentFacts, context: MessageContext): Message {
  const template = TEMPLATES[context.locale][facts.moment] as Template<Moment>;
  return template(
    facts as never,
    { ...context, balance: balanceOf(facts, context) },
    formatFor(context.locale),
  );
}

/**
 * The Moment's e-mail. Every Moment e-mail is optional (sent only with `marketingConsent`, see
 * email-status.ts), so each gets the opt-out link it is given, in the footer: the same URL as its
 * List-Unsubscribe header (shared/portal/unsubscribe.ts), whose page withdraws that consent.
 */
export function renderEmail(
  facts: MomentFacts,
  context: MessageContext,
  unsubscribeUrl?: string,
): RenderedEmail {
  const { subject, paragraphs, actions = [] } = renderMessage(facts, context);
  const frame = FRAME[context.locale];
  const greeting = frame.greeting(context.customerName);
  const signOff = `— ${context.merchantName}`;
  const body = [greeting, ...paragraphs, ...actions.map((a) => frame.actionLine(a.label, a.url)), signOff];
  const footer = frame.footer(context.merchantName);
  const optOutText = unsubscribeUrl ? `\n${frame.optOutLine(unsubscribeUrl)}` : "";
  const optOutHtml = unsubscribeUrl
    ? ` <a href="${escapeMarkup(unsubscribeUrl)}" style="color:#6b7785">${escapeMarkup(frame.optOut)}</a>`
    : "";
  return {
    subject,
    text: `${body.join("\n\n")}\n\n-- \n${footer}${optOutText}\n`,
    html: [
      "<!doctype html>",
      `<html lang="${context.locale}"><head><meta charset="utf-8"><title>${escapeMarkup(subject)}</title></head>`,
      '<body style="font-family:sans-serif;line-height:1.5;color:#202c39">',
      ...[greeting, ...paragraphs].map((paragraph) => `<p>${escapeMarkup(paragraph)}</p>`),
      ...actions.map(
        (action) =>
          `<p><a href="${escapeMarkup(action.url)}" style="color:#0b57d0;font-weight:bold">${escapeMarkup(action.label)}</a></p>`,
      ),
      `<p>${escapeMarkup(signOff)}</p>`,
      `<p style="color:#6b7785;font-size:small">${escapeMarkup(footer)}${optOutHtml}</p>`,
      "</body></html>",
    ].join("\n"),
  };
}

/** The wallet's short form: the subject as header, the first paragraph as body. */
export function renderWalletMessage(
  facts: MomentFacts,
  context: MessageContext,
): { header: string; body: string } {
  const { subject, paragraphs } = renderMessage(facts, context);
  return { header: subject, body: paragraphs[0] ?? subject };
}

import type { ContactField } from "../customers/contact.ts";
import { escapeMarkup } from "../markup.ts";
import type { Customer } from "../model.ts";

/**
 * What the new address receives. The recipient may not be the member (a mistyped address), so the
 * message names the shop only: never the member, their card or their balance.
 */

export interface ConfirmationContext {
  locale: Customer["locale"];
  merchantName: string;
  link: string;
  validHours: number;
}

const EMAIL = {
  en: (c: ConfirmationContext) => ({
    subject: `Confirm your email address for ${c.merchantName}`,
    before: [
      "Hello,",
      `Someone asked to use this email address for a loyalty card at ${c.merchantName}. If it was you, open this link within ${c.validHours} hours to confirm it:`,
    ],
    after: ["If it was not you, ignore this email: nothing changes.", `— ${c.merchantName}`],
  }),
  fr: (c: ConfirmationContext) => ({
    subject: `Confirmez votre adresse e-mail pour ${c.merchantName}`,
    before: [
      "Bonjour,",
      `Quelqu'un a demandé à utiliser cette adresse e-mail pour une carte de fidélité de ${c.merchantName}. Si c'est vous, ouvrez ce lien dans les ${c.validHours} heures pour la confirmer :`,
    ],
    after: ["Si ce n'est pas vous, ignorez cet e-mail : rien ne change.", `— ${c.merchantName}`],
  }),
};

export function confirmationEmail(c: ConfirmationContext): { subject: string; text: string; html: string } {
  const { subject, before, after } = EMAIL[c.locale](c);
  return {
    subject,
    text: `${[...before, c.link, ...after].join("\n\n")}\n`,
    html: [
      "<!doctype html>",
      `<html lang="${c.locale}"><head><meta charset="utf-8"><title>${escapeMarkup(subject)}</title></head>`,
      '<body style="font-family:sans-serif;line-height:1.5;color:#202c39">',
      ...before.map((p) => `<p>${escapeMarkup(p)}</p>`),
      `<p><a href="${escapeMarkup(c.link)}">${escapeMarkup(c.link)}</a></p>`,
      ...after.map((p) => `<p>${escapeMarkup(p)}</p>`),
      "</body></html>",
    ].join("\n"),
  };
}

/** One text message, short enough for two SMS segments with a long link. */
export function confirmationSms(c: ConfirmationContext): string {
  return c.locale === "fr"
    ? `${c.merchantName} : pour utiliser ce numéro sur votre carte de fidélité, ouvrez ${c.link} (valable ${c.validHours} h). Pas vous ? Ignorez ce message.`
    : `${c.merchantName}: to use this number for your loyalty card, open ${c.link} (valid ${c.validHours} h). Not you? Ignore this message.`;
}

export const FIELD_NAMES: Record<ContactField, string> = { email: "email address", phone: "phone number" };

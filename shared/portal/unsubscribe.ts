import type { Clock } from "../clock.ts";
import { updateCustomer } from "../customers/update.ts";
import { unauthorized } from "../errors.ts";
import type { Locale } from "../ledger/entry-types.ts";
import { escapeMarkup } from "../markup.ts";
import { getMerchant } from "../merchants/directory.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { SELF_SERVICE } from "./contact-change.ts";
import { verifyUnsubscribeToken } from "./unsubscribe-token.ts";

/**
 * The one-click unsubscribe link of Moment e-mails (RFC 8058). Every Moment e-mail is optional: it goes
 * out only while the customer's `marketingConsent` is true (shared/notifications/email-status.ts), so the
 * link withdraws that consent, which stops every Moment e-mail. GET only shows where the link leads
 * (mail scanners fetch links); POST withdraws, at once, without login.
 */

export interface UnsubscribeState {
  locale: Locale;
  merchantName: string;
  /** Whether the customer still receives the e-mails. */
  subscribed: boolean;
}

/** Where a link stands; a valid signature for a membership that is gone is refused like a forged one. */
async function resolve(db: Db, token: string) {
  const member = await verifyUnsubscribeToken(db, token);
  const { merchantId, customerId } = member;
  const [customer, merchant] = await Promise.all([
    readCustomer(db, merchantId, customerId),
    getMerchant(db, merchantId),
  ]);
  if (!customer || !merchant) throw unauthorized("This unsubscribe link is not valid.");
  const state: UnsubscribeState = {
    locale: customer.locale,
    merchantName: merchant.name,
    subscribed: customer.marketingConsent,
  };
  return { member, state };
}

export const unsubscribeState = async (db: Db, token: string): Promise<UnsubscribeState> =>
  (await resolve(db, token)).state;

/**
 * Withdraws consent. Idempotent without a key: updateCustomer writes (and audits, as the customer) only a
 * value that really changes, so a second POST finds nothing to do and answers the same.
 */
export async function withdrawConsent(
  deps: { db: Db; clock: Clock },
  token: string,
): Promise<UnsubscribeState> {
  const { member, state } = await resolve(deps.db, token);
  if (state.subscribed) {
    await updateCustomer(deps, member.merchantId, member.customerId, SELF_SERVICE, {
      marketingConsent: false,
    });
  }
  return { ...state, subscribed: false };
}

const TEXT = {
  en: {
    title: (m: string) => `E-mails from ${m}`,
    ask: (m: string) =>
      `You receive e-mails from ${m} about your loyalty card (points earned, rewards, expiry reminders). Stop them?`,
    button: "Unsubscribe",
    done: (m: string) =>
      `Done: you will no longer receive e-mails from ${m}. Your card and points stay as they are; you can turn the e-mails back on in your customer portal.`,
  },
  fr: {
    title: (m: string) => `E-mails de ${m}`,
    ask: (m: string) =>
      `Vous recevez des e-mails de ${m} sur votre carte de fidélité (points gagnés, récompenses, rappels d'expiration). Les arrêter ?`,
    button: "Se désinscrire",
    done: (m: string) =>
      `C'est fait : vous ne recevrez plus d'e-mails de ${m}. Votre carte et vos points restent inchangés ; vous pouvez réactiver les e-mails depuis votre espace client.`,
  },
} as const;

/** No script, no style, no external request; the form posts back to the page's own URL. */
export const UNSUBSCRIBE_CSP =
  "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The page: a button while subscribed (posting what a mail client's one-click POST posts), else the outcome. */
export function unsubscribePage(state: UnsubscribeState): string {
  const t = TEXT[state.locale];
  const merchant = escapeMarkup(state.merchantName);
  const content = state.subscribed
    ? [
        `<p>${t.ask(merchant)}</p>`,
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">',
        `<button type="submit">${t.button}</button></form>`,
      ]
    : [`<p role="status">${t.done(merchant)}</p>`];
  return [
    "<!doctype html>",
    `<html lang="${state.locale}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${t.title(merchant)}</title></head>`,
    `<body><main><h1>${t.title(merchant)}</h1>`,
    ...content,
    "</main></body></html>",
  ].join("\n");
}

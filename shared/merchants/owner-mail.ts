import type { Locale } from "../ledger/entry-types.ts";
import { escapeMarkup } from "../markup.ts";
import type { Mailer } from "../notifications/mailer.ts";
import type { Db } from "../store/db/client.ts";
import { getMerchant, listStaff } from "./directory.ts";

/** What the service tells a merchant's owners, written in the merchant's language. */
export interface OwnerMessage {
  subject: string;
  text: string;
  tags: Record<string, string>;
}

/**
 * One plain message to each active owner with an e-mail, through the Mailer the notifications use (SES on
 * AWS, the local sink locally), from the merchant's name.
 */
export async function mailOwners(
  db: Db,
  mailer: Mailer,
  merchantId: string,
  compose: (locale: Locale) => OwnerMessage,
): Promise<void> {
  const [merchant, staff] = await Promise.all([getMerchant(db, merchantId, true), listStaff(db, merchantId)]);
  const message = compose(merchant?.locale ?? "en");
  for (const owner of staff.filter((s) => s.role === "owner" && s.active && s.email)) {
    await mailer.send({
      to: owner.email as string,
      fromName: merchant?.name ?? "Loyalty",
      subject: message.subject,
      text: message.text,
      html: `<p>${escapeMarkup(message.text)}</p>`,
      tags: message.tags,
    });
  }
}

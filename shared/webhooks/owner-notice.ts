import { mailOwners } from "../merchants/owner-mail.ts";
import type { Mailer } from "../notifications/mailer.ts";
import type { Db } from "../store/db/client.ts";
import type { WebhookEndpoint } from "./model.ts";

/**
 * The e-mail to a merchant's active owners when the service switches one of their endpoints off, through
 * the Mailer the notifications use (SES on AWS, the local sink locally). Sent by the one worker whose
 * conditional disable won, so once per disabling.
 */

const WORDS = {
  en: {
    subject: "A webhook endpoint was disabled",
    failing: "every delivery to it has failed for 5 days",
    gone: "it answered 410 Gone, asking for no more deliveries",
    body: (url: string, why: string) =>
      `We stopped sending webhooks to ${url}: ${why}. Events are no longer queued for it. Once the receiver works again, enable the endpoint (PATCH /v1/webhooks/{id} with "enabled": true) and redeliver what it missed from its delivery log.`,
  },
  fr: {
    subject: "Un point de terminaison webhook a été désactivé",
    failing: "toutes les livraisons échouent depuis 5 jours",
    gone: "il a répondu 410 Gone et ne veut plus de livraisons",
    body: (url: string, why: string) =>
      `Nous n'envoyons plus de webhooks à ${url} : ${why}. Les événements ne lui sont plus adressés. Quand le récepteur fonctionnera à nouveau, réactivez-le (PATCH /v1/webhooks/{id} avec "enabled": true) et relivrez ce qu'il a manqué depuis son journal de livraisons.`,
  },
} as const;

export function disabledNotifier(db: Db, mailer: Mailer) {
  return (endpoint: WebhookEndpoint, reason: "failing" | "gone"): Promise<void> =>
    mailOwners(db, mailer, endpoint.merchantId, (locale) => {
      const words = WORDS[locale];
      return {
        subject: words.subject,
        text: words.body(endpoint.url, words[reason]),
        tags: { kind: "webhook-disabled", merchant: endpoint.merchantId, endpoint: endpoint.id },
      };
    });
}

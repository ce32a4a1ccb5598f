import { mailOwners } from "../merchants/owner-mail.ts";
import type { Mailer } from "../notifications/mailer.ts";
import type { Db } from "../store/db/client.ts";
import type { Alert, AlertRule } from "./rules.ts";

/**
 * The e-mail to a merchant's active owners when a fraud rule fires, through the Mailer the notifications
 * use (SES on AWS, the local sink locally). Sent by the one worker whose conditional create of the alert
 * won, so once per alert. Ids only: no customer's name, phone or e-mail is in it, and the owner looks the
 * alert up in GET /v1/alerts.
 */

const WORDS = {
  en: {
    subject: "Fraud alert",
    rule: {
      customerEarnsPerDay: (a: Alert) =>
        `customer ${subjectId(a)} had ${a.observed} earns in the UTC day from ${a.window.start} (the rule allows ${a.threshold})`,
      staffEntriesPerHour: (a: Alert) =>
        `staff member ${subjectId(a)} wrote ${a.observed} points entries in the UTC hour from ${a.window.start} (the rule allows ${a.threshold})`,
      manualPointsAbove: (a: Alert) =>
        `a manual entry of ${a.observed} points by ${subjectId(a)} at ${a.window.start} (the rule allows ${a.threshold})`,
      earnsOutsideHoursPerDay: (a: Alert) =>
        `location ${subjectId(a)} had ${a.observed} earns outside its opening hours in the UTC day from ${a.window.start} (the rule allows ${a.threshold})`,
    } satisfies Record<AlertRule, (a: Alert) => string>,
    body: (what: string, entries: string) =>
      `A fraud rule fired: ${what}. Entries: ${entries}. Review it in the alerts list (GET /v1/alerts).`,
  },
  fr: {
    subject: "Alerte de fraude",
    rule: {
      customerEarnsPerDay: (a: Alert) =>
        `le client ${subjectId(a)} a cumulé ${a.observed} gains dans la journée UTC du ${a.window.start} (la règle en permet ${a.threshold})`,
      staffEntriesPerHour: (a: Alert) =>
        `le membre du personnel ${subjectId(a)} a passé ${a.observed} écritures de points dans l'heure UTC du ${a.window.start} (la règle en permet ${a.threshold})`,
      manualPointsAbove: (a: Alert) =>
        `une écriture manuelle de ${a.observed} points par ${subjectId(a)} le ${a.window.start} (la règle permet ${a.threshold})`,
      earnsOutsideHoursPerDay: (a: Alert) =>
        `le point de vente ${subjectId(a)} a enregistré ${a.observed} gains hors de ses heures d'ouverture dans la journée UTC du ${a.window.start} (la règle en permet ${a.threshold})`,
    } satisfies Record<AlertRule, (a: Alert) => string>,
    body: (what: string, entries: string) =>
      `Une règle de fraude s'est déclenchée : ${what}. Écritures : ${entries}. Consultez-la dans la liste des alertes (GET /v1/alerts).`,
  },
} as const;

const subjectId = (alert: Alert) =>
  "customerId" in alert.subject
    ? alert.subject.customerId
    : "staffId" in alert.subject
      ? alert.subject.staffId
      : alert.subject.locationId;

export type AlertNotifier = (alert: Alert) => Promise<void>;

export function alertNotifier(db: Db, mailer: Mailer): AlertNotifier {
  return (alert) =>
    mailOwners(db, mailer, alert.merchantId, (locale) => {
      const words = WORDS[locale];
      return {
        subject: words.subject,
        text: words.body(words.rule[alert.rule](alert), alert.entries.map((e) => e.id).join(", ")),
        tags: { kind: "fraud-alert", merchant: alert.merchantId, rule: alert.rule },
      };
    });
}

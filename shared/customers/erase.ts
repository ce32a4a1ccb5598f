import type { Clock } from "../clock.ts";
import { notFound } from "../errors.ts";
import { type Idempotency, idempotencyFrom } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { logger } from "../logger.ts";
import type { Customer } from "../model.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import { revokePortalLinks } from "../portal/access.ts";
import { SELF_SERVICE } from "../portal/contact-change.ts";
import { readHoldTexts, stripHoldTexts } from "../store/alerts.ts";
import { auditItem } from "../store/customers/audit.ts";
import { contactRelease } from "../store/customers/contacts.ts";
import {
  barcodeRelease,
  deleteContactRecords,
  erasedProfileUpdate,
  readFreeTexts,
  redactWebhookPayloads,
  stripClaimTexts,
  stripEntryNotes,
  stripRefundNotes,
} from "../store/customers/erasure.ts";
import { nameIndexChanges } from "../store/customers/names.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { forgetStoredResults } from "../store/idempotency.ts";
import { eraseFromImports } from "../store/imports.ts";
import { listEndpoints } from "../store/webhooks.ts";
import { foldText, nameTokens } from "./contact.ts";
import { personalValues, redactPayload } from "./redact.ts";

/**
 * Erasure of a member's personal data (GDPR art. 17), in two steps:
 *
 * 1. One transaction pseudonymises the profile (name emptied; phone, e-mail and consents removed; `erasedAt`
 *    set) and removes everything that finds the member by a personal value: name-index words, phone and
 *    e-mail claims, the barcode claim. The Idempotency-Key's record is part of it, and `erasedAt` on the
 *    profile is what the pass-updates stream sees to void the Apple pass and expire the Google object.
 * 2. The remnants, each step idempotent and run again on a replay, so a retry with the same key finishes
 *    a run cut short: free text in ledger-entry notes (outside the entry hash) and in claims, contact
 *    changes, notification records, the e-mail status, webhook payloads mentioning the member; and every
 *    portal link is revoked. Stored answers of Idempotency-Keys that mention the member lose their result
 *    (a replay is answered 410 Gone), found through the pointers their writes left under the customer;
 *    imports not yet completed lose the member's lines, and held manual points their notes.
 *
 * Kept: the ledger entries (amounts, types, staff and location ids, hashes), lots, redemptions, the pass
 * pointer and the audit trail (field names and staff ids, never values), keyed by the customer id alone, so
 * the merchant's accounting and the hash chain still verify. From then on, the writes that would attach new
 * points, contacts or a portal link to the record refuse it (./erased.ts). See README "Personal data".
 */

export interface EraseDeps {
  db: Db;
  clock: Clock;
}

export interface EraseResult {
  customerId: string;
  erasedAt: string;
}

/** Who asks: a staff member (audited by id) or the member from the portal. */
export type Requester = { kind: "staff"; staffId: string } | { kind: "member" };

export async function eraseCustomer(
  deps: EraseDeps,
  merchantId: string,
  customerId: string,
  requester: Requester,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ erasure: EraseResult }>> {
  const { db } = deps;
  const idempotency: Idempotency = idempotencyFrom(idempotencyKey, "customers.erase", { customerId });
  const current = await readCustomer(db, merchantId, customerId);
  if (!current) throw notFound("Customer");
  // Before the profile forgets them: the name and contacts are what finds the member in webhook payloads
  // and in stored answers.
  if (!current.erasedAt) await redactMentions(deps, current);
  const written = await runWrite(deps, {
    name: "customers.erase",
    merchantId,
    idempotency,
    load: async () => undefined,
    attempt: async (_, at) => {
      const customer = await readCustomer(db, merchantId, customerId);
      if (!customer) throw notFound("Customer");
      if (customer.erasedAt) {
        // Erased already (another key, or the portal and the shop at once): the same answer, nothing new.
        return { items: [], result: { erasure: { customerId, erasedAt: customer.erasedAt } } };
      }
      const now = at.toISOString();
      const items: NamedItem[] = [
        erasedProfileUpdate(db, customer, now),
        ...nameIndexChanges(db, merchantId, customerId, nameTokens(customer.name), []),
        ...(customer.phone ? [contactRelease(db, merchantId, "phone", customer.phone)] : []),
        ...(customer.email ? [contactRelease(db, merchantId, "email", customer.email)] : []),
        barcodeRelease(db, merchantId, customer.barcode),
        auditItem(db, merchantId, customerId, newId("aud", at), {
          at: now,
          staffId: requester.kind === "staff" ? requester.staffId : SELF_SERVICE,
          fields: ["erased"],
        }),
      ];
      return { items, result: { erasure: { customerId, erasedAt: now } } };
    },
    // A profile changed meanwhile fails its condition: fresh reads plan again (runWrite retries).
  });
  await eraseRemnants(deps, merchantId, customerId);
  return written;
}

/**
 * Rewrites the stored payloads of webhook deliveries that carry the member's personal values, and drops
 * the stored answers (Idempotency-Key records) that do.
 */
async function redactMentions(deps: EraseDeps, customer: Customer): Promise<void> {
  const { db } = deps;
  const [freeTexts, holdTexts] = await Promise.all([
    readFreeTexts(db, customer.merchantId, customer.id),
    readHoldTexts(db, customer.merchantId, customer.id),
  ]);
  const values = personalValues(customer, [...freeTexts, ...holdTexts]);
  const endpoints = await listEndpoints(db, customer.merchantId);
  const payloads = await redactWebhookPayloads(
    db,
    customer.merchantId,
    endpoints.map((endpoint) => endpoint.id),
    customer.id,
    (payload) => redactPayload(payload, values),
  );
  // An answer is JSON: its strings are compared as the payloads' are (folded, escapes read).
  const mentions = (result: string) => redactPayload(result, values) !== result;
  const answers = await forgetStoredResults(db, customer.merchantId, customer.id, mentions, deps.clock());
  const contacts = {
    ...(customer.phone ? { phone: customer.phone } : {}),
    ...(customer.email ? { email: customer.email } : {}),
  };
  const importItems = await eraseFromImports(
    db,
    customer.merchantId,
    contacts,
    csvLineMentions(customer, values),
  );
  logger.info("customer mentions redacted", {
    merchantId: customer.merchantId,
    customerId: customer.id,
    webhookPayloads: payloads,
    storedAnswers: answers,
    importItems,
  });
}

/**
 * Whether a CSV line as typed (an import's part) names the member: one of their values in it (folded), or
 * a field whose digits end with the phone's last nine (a phone is typed in many forms: 06 87…, +33 6 87…).
 */
function csvLineMentions(customer: Customer, values: readonly string[]) {
  const phoneTail = customer.phone?.replace(/\D/g, "").slice(-9);
  return (line: string) => {
    const folded = foldText(line);
    if (values.some((value) => folded.includes(value))) return true;
    if (!phoneTail || phoneTail.length < 9) return false;
    return line.split(/[;,]/).some((field) => {
      const digits = field.replace(/\D/g, "");
      return digits.length >= 9 && digits.length <= 15 && digits.endsWith(phoneTail);
    });
  };
}

/** Step 2: idempotent, so it runs on every call, a replay included. */
async function eraseRemnants(deps: EraseDeps, merchantId: string, customerId: string): Promise<void> {
  const { db } = deps;
  const notes = await stripEntryNotes(db, merchantId, customerId);
  const claims = await stripClaimTexts(db, merchantId, customerId);
  const refundNotes = await stripRefundNotes(db, merchantId, customerId);
  const records = await deleteContactRecords(db, merchantId, customerId);
  const holds = await stripHoldTexts(db, merchantId, customerId);
  await revokePortalLinks(db, { merchantId, customerId }, deps.clock());
  // Counts only: the values themselves never reach a log.
  logger.info("customer erased", {
    merchantId,
    customerId,
    notesStripped: notes.stripped,
    notesKeptUnderHash: notes.keptUnderHash,
    claims,
    refundNotes,
    records,
    holds,
  });
}

import type { Clock } from "../clock.ts";
import { conflict, notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { Customer } from "../model.ts";
import { runWrite } from "../pipeline/write.ts";
import { type AuditRecord, auditItem, readAudit } from "../store/customers/audit.ts";
import { claimedField, contactClaim, contactRelease } from "../store/customers/contacts.ts";
import { nameIndexChanges } from "../store/customers/names.ts";
import { type DetailField, detailsUpdate, readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { clearEmailStatus } from "../store/notifications/email-status.ts";
import { customerView } from "../views.ts";
import { type ContactField, contactTaken, nameTokens, normalizeContact } from "./contact.ts";
import { refuseErased } from "./erased.ts";

export interface CustomerChanges {
  name?: string;
  /** null removes the value. */
  phone?: string | null;
  email?: string | null;
  locale?: "fr" | "en";
  marketingConsent?: boolean;
}

type Field = keyof CustomerChanges & DetailField;

export interface UpdateOptions {
  /** Items written in the same transaction as the change, e.g. the consumption of a confirmation link. */
  alsoWrite?: NamedItem[];
  /** The error for a failed condition on one of `alsoWrite` (by its name). */
  onAlsoWriteFailed?: (name: string) => Error | undefined;
  /**
   * The error when another customer holds the phone or email: by default a 409 naming the field, which
   * staff may see; the portal's confirmation says less (shared/portal/contact-change.ts).
   */
  contactTaken?: (field: ContactField) => Error;
}

/**
 * Updates personal details. Only fields whose value really changes are written, so sending the same
 * PATCH twice changes nothing the second time. Each change leaves an audit record naming who changed
 * which fields and when; values are kept out of it (and out of logs).
 *
 * No Idempotency-Key: setting values is idempotent in itself, so the request is read and validated
 * first, and one that changes nothing writes nothing.
 */
export async function updateCustomer(
  deps: { db: Db; clock: Clock },
  merchantId: string,
  customerId: string,
  staffId: string,
  changes: CustomerChanges,
  options: UpdateOptions = {},
) {
  const { db } = deps;
  const [customer, merchant] = await Promise.all([
    readCustomer(db, merchantId, customerId),
    getMerchant(db, merchantId),
  ]);
  if (!customer || !merchant) throw notFound("Customer");
  refuseErased(customer);
  const contact = normalizeContact(changes, merchant.country);
  const wanted: Partial<Record<Field, unknown>> = { ...changes, ...contact };
  const changed = (Object.keys(wanted) as Field[]).filter(
    (field) => (wanted[field] ?? null) !== (customer[field] ?? null),
  );
  if (changed.length === 0) return { customer: customerView(customer), changed };

  const alsoWritten = new Set((options.alsoWrite ?? []).map((item) => item.name));
  await runWrite(deps, {
    name: "customers.update",
    merchantId,
    load: async () => undefined,
    attempt: async (_, at) => {
      const now = at.toISOString();
      const items: NamedItem[] = [];
      for (const field of ["phone", "email"] as const) {
        if (!changed.includes(field)) continue;
        const next = wanted[field] as string | null;
        if (next) items.push(contactClaim(db, merchantId, customerId, field, next));
        if (customer[field]) items.push(contactRelease(db, merchantId, field, customer[field] as string));
      }
      items.push(
        detailsUpdate(db, customer, Object.fromEntries(changed.map((f) => [f, wanted[f] ?? null])), now),
      );
      if (changed.includes("name")) {
        items.push(
          ...nameIndexChanges(
            db,
            merchantId,
            customerId,
            nameTokens(customer.name),
            nameTokens(wanted.name as string),
          ),
        );
      }
      // A bounce was the old address's: the new one is tried again.
      if (changed.includes("email")) {
        items.push(clearEmailStatus(db, merchantId, customerId));
      }
      items.push(
        auditItem(db, merchantId, customerId, newId("aud", at), { at: now, staffId, fields: changed }),
      );
      items.push(...(options.alsoWrite ?? []));
      return { items, result: null };
    },
    onConditionFailed: (name) => {
      if (name === "customer")
        return conflict("The customer was changed at the same time; reload and retry.");
      if (alsoWritten.has(name)) return options.onAlsoWriteFailed?.(name);
      const field = claimedField(name);
      return field ? (options.contactTaken ?? contactTaken)(field) : undefined;
    },
  });
  const updated = await readCustomer(db, merchantId, customerId);
  return { customer: customerView(updated as Customer), changed };
}

/** Who changed a customer's details and when, newest first. */
export async function listAudit(
  db: Db,
  merchantId: string,
  customerId: string,
  limit: number,
): Promise<AuditRecord[]> {
  const customer = await readCustomer(db, merchantId, customerId);
  if (!customer) throw notFound("Customer");
  return readAudit(db, merchantId, customerId, limit);
}

import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { AUDIT_PREFIX, auditSk, customerPk, profileSk } from "../db/keys.ts";
import { conflict, notFound } from "../errors.ts";
import { idempotentWrite, type TransactItem } from "../idempotent-write.ts";
import { newId } from "../ids.ts";
import { readCustomer } from "../ledger/append.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { Customer } from "../model.ts";
import { clearEmailStatus } from "../notifications/email-status.ts";
import { customerView } from "../views.ts";
import { contactTaken, normalizeContact } from "./contact.ts";
import { type ContactField, claimContact, releaseContact, renameItems } from "./index-items.ts";

export interface CustomerChanges {
  name?: string;
  /** null removes the value. */
  phone?: string | null;
  email?: string | null;
  locale?: "fr" | "en";
  marketingConsent?: boolean;
}

type Field = keyof CustomerChanges;

/**
 * Updates personal details. Only fields whose value really changes are written, so sending the same
 * PATCH twice changes nothing the second time. Each change leaves an audit record naming who changed
 * which fields and when; values are kept out of it (and out of logs).
 */
export async function updateCustomer(
  deps: { db: Db; clock: Clock },
  merchantId: string,
  customerId: string,
  staffId: string,
  changes: CustomerChanges,
) {
  const { db } = deps;
  const [customer, merchant] = await Promise.all([
    readCustomer(db, merchantId, customerId),
    getMerchant(db, merchantId),
  ]);
  if (!customer || !merchant) throw notFound("Customer");
  const contact = normalizeContact(changes, merchant.country);
  const wanted: Partial<Record<Field, unknown>> = { ...changes, ...contact };
  const changed = (Object.keys(wanted) as Field[]).filter(
    (field) => (wanted[field] ?? null) !== (customer[field] ?? null),
  );
  if (changed.length === 0) return { customer: customerView(customer), changed };

  // Which transaction item claims which contact field, to tell the client which one is taken.
  const claims = new Map<number, ContactField>();
  let profileIndex = -1;
  await idempotentWrite(deps, {
    merchantId,
    plan: (at) => {
      const now = at.toISOString();
      const items: TransactItem[] = [];
      for (const field of ["phone", "email"] as const) {
        if (!changed.includes(field)) continue;
        const next = wanted[field] as string | null;
        if (next) {
          claims.set(items.length, field);
          items.push(claimContact(db, merchantId, customerId, field, next));
        }
        if (customer[field]) items.push(releaseContact(db, merchantId, field, customer[field] as string));
      }
      profileIndex = items.length;
      items.push(profileUpdate(db, customer, changed, wanted, now));
      if (changed.includes("name"))
        items.push(...renameItems(db, merchantId, customerId, customer.name, wanted.name as string));
      // A bounce was the old address's: the new one is tried again.
      if (changed.includes("email")) items.push(clearEmailStatus(db, merchantId, customerId));
      items.push({
        Put: {
          TableName: db.table,
          Item: {
            pk: customerPk(merchantId, customerId),
            sk: auditSk(now, newId("aud", at)),
            at: now,
            staffId,
            fields: changed,
          },
        },
      });
      return { items, response: { status: 200, body: null } };
    },
    onConditionFailed: (index) => {
      if (index === profileIndex)
        return conflict("The customer was changed at the same time; reload and retry.");
      const field = claims.get(index);
      return field ? contactTaken(field) : undefined;
    },
  });
  const updated = await readCustomer(db, merchantId, customerId);
  return { customer: customerView(updated as Customer), changed };
}

/** Sets or removes each changed field, on condition that the contact details are still the ones read. */
function profileUpdate(
  db: Db,
  customer: Customer,
  changed: Field[],
  wanted: Partial<Record<Field, unknown>>,
  now: string,
): TransactItem {
  const names: Record<string, string> = { "#updatedAt": "updatedAt" };
  const values: Record<string, unknown> = { ":now": now };
  const sets = ["#updatedAt = :now"];
  const removes: string[] = [];
  const conditions = ["attribute_exists(pk)"];
  for (const field of changed) {
    names[`#${field}`] = field;
    const value = wanted[field];
    if (value === null) removes.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    if (field === "phone" || field === "email") {
      const old = customer[field];
      if (old === undefined) conditions.push(`attribute_not_exists(#${field})`);
      else {
        values[`:old_${field}`] = old;
        conditions.push(`#${field} = :old_${field}`);
      }
    }
  }
  return {
    Update: {
      TableName: db.table,
      Key: { pk: customerPk(customer.merchantId, customer.id), sk: profileSk() },
      UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
      ConditionExpression: conditions.join(" AND "),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

export interface AuditRecord {
  at: string;
  staffId: string;
  fields: string[];
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
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":prefix": AUDIT_PREFIX },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map((item) => ({ at: item.at, staffId: item.staffId, fields: item.fields }));
}

import type { Customer, LedgerEntry } from "../../model.ts";
import { batchGet } from "../db/batch-get.ts";
import type { Db } from "../db/client.ts";
import { getItem } from "../db/get-item.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * The customer's profile (`#PROFILE` under the customer): details, balance and the head of their chain.
 * The pass-updates stream lets only these items through (passes/pass-changes.ts matches `profileSk()`).
 */
export const profileSk = () => "#PROFILE";

const key = (merchantId: string, customerId: string) => ({
  pk: customerPk(merchantId, customerId),
  sk: profileSk(),
});

function customerFromItem(item: Record<string, unknown>): Customer {
  const { pk: _pk, sk: _sk, ...customer } = item;
  return customer as unknown as Customer;
}

/** A customer's profile, read consistently: every write plans from it. */
export async function readCustomer(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<Customer | undefined> {
  const Item = await getItem(db, key(merchantId, customerId), { consistent: true });
  return Item ? customerFromItem(Item) : undefined;
}

/** Profiles by id, in the order given, skipping any that no longer exist. */
export async function readCustomers(db: Db, merchantId: string, ids: readonly string[]): Promise<Customer[]> {
  const keys = ids.map((id) => key(merchantId, id));
  const found = await batchGet(db, keys);
  return keys.flatMap((k) => {
    const item = found.get(`${k.pk}|${k.sk}`);
    return item ? [customerFromItem(item)] : [];
  });
}

/** The new member's profile ("customer"); its condition fails only if the id is taken. */
export function newProfileItem(db: Db, customer: Customer): NamedItem {
  return {
    name: "customer",
    item: {
      Put: {
        TableName: db.table,
        Item: { ...key(customer.merchantId, customer.id), ...customer },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** The personal details a profile write may change; the balance and chain move only with ledger entries. */
export type DetailField = "name" | "phone" | "email" | "locale" | "marketingConsent";

/**
 * Sets each detail given (null removes it) on the profile ("customer"), on condition that it still exists
 * and that the name and contact details being changed are still the ones read: their claims and name index
 * words are moved in the same transaction, from the values read, so a profile changed meanwhile would leave
 * a claim or a word behind.
 */
export function detailsUpdate(
  db: Db,
  customer: Customer,
  details: Partial<Record<DetailField, unknown>>,
  now: string,
): NamedItem {
  const names: Record<string, string> = { "#updatedAt": "updatedAt" };
  const values: Record<string, unknown> = { ":now": now };
  const sets = ["#updatedAt = :now"];
  const removes: string[] = [];
  const conditions = ["attribute_exists(pk)"];
  for (const [field, value] of Object.entries(details) as [DetailField, unknown][]) {
    names[`#${field}`] = field;
    if (value === null) removes.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    if (field === "phone" || field === "email" || field === "name") {
      const old = customer[field];
      if (old === undefined) conditions.push(`attribute_not_exists(#${field})`);
      else {
        values[`:old_${field}`] = old;
        conditions.push(`#${field} = :old_${field}`);
      }
    }
  }
  return {
    name: "customer",
    item: {
      Update: {
        TableName: db.table,
        Key: key(customer.merchantId, customer.id),
        UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
        ConditionExpression: conditions.join(" AND "),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}

/**
 * Moves the balance and the chain head to `entry`, on condition nobody appended since `customer` was read:
 * two writers can never both extend the chain from the same head. `extra` sets further profile attributes
 * in the same write (paths like "lastVisits.prog_1" address a map member).
 */
export function chainAdvance(
  db: Db,
  customer: Customer,
  entry: LedgerEntry,
  extra: Record<string, unknown> = {},
): NamedItem {
  const names: Record<string, string> = { "#spent": "spent" };
  const values: Record<string, unknown> = {
    ":balance": entry.balanceAfter,
    ":seq": entry.seq,
    ":expectedSeq": customer.seq,
    ":head": entry.hash,
    ":now": entry.createdAt,
    ...(customer.spent === undefined ? {} : { ":expectedSpent": customer.spent }),
  };
  const sets = ["balance = :balance", "seq = :seq", "headHash = :head", "updatedAt = :now"];
  Object.entries(extra).forEach(([path, value], i) => {
    const placeholders = path.split(".").map((segment, j) => {
      const name = `#u${i}_${j}`;
      names[name] = segment;
      return name;
    });
    values[`:u${i}`] = value;
    sets.push(`${placeholders.join(".")} = :u${i}`);
  });
  return {
    name: "profile",
    item: {
      Update: {
        TableName: db.table,
        Key: key(customer.merchantId, customer.id),
        UpdateExpression: `SET ${sets.join(", ")}`,
        // `spent` also falls without an entry (spentRelease), so seq alone would not say the lots are as read.
        ConditionExpression: `seq = :expectedSeq AND ${spentAsRead(customer)}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}

const spentAsRead = (customer: Customer) =>
  customer.spent === undefined ? "attribute_not_exists(#spent)" : "#spent = :expectedSpent";

/**
 * Lowers `spent` by points charged in full to lots deleted in the same transaction (shared/ledger/lots.ts):
 * no entry, no balance change, on condition the profile is still as read. Within one seq, `spent` only
 * falls, so a write planned before it can never match again.
 */
export function spentRelease(db: Db, customer: Customer, spentAfter: number): NamedItem {
  return {
    name: "profile",
    item: {
      Update: {
        TableName: db.table,
        Key: key(customer.merchantId, customer.id),
        UpdateExpression: "SET #spent = :spent",
        ConditionExpression: `seq = :expectedSeq AND ${spentAsRead(customer)}`,
        ExpressionAttributeNames: { "#spent": "spent" },
        ExpressionAttributeValues: {
          ":spent": spentAfter,
          ":expectedSeq": customer.seq,
          ...(customer.spent === undefined ? {} : { ":expectedSpent": customer.spent }),
        },
      },
    },
  };
}

export const STORED_ITEMS = [
  { type: "customer-profile", sk: "#PROFILE", indexes: [] },
] as const satisfies readonly StoredItemType[];

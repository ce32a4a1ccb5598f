import { DeleteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Customer } from "../../model.ts";
import type { Db } from "../db/client.ts";
import { isConditionFailed } from "../db/contention.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import { queryAll } from "../db/query-all.ts";
import type { NamedItem } from "../db/transact.ts";
import { ENTRY_PREFIX } from "../ledger/entries.ts";
import { redemptionKey } from "../redemptions.ts";
import { profileSk } from "./profile.ts";

/**
 * What an erasure (shared/customers/erase.ts) writes to items other stores own. It owns no item type of its
 * own: it pseudonymises the profile, strips notes from ledger entries (outside their hash: see
 * shared/ledger/hash-chain.ts) and free text from claims, and deletes the member's contact changes,
 * notification records and e-mail status. Every step is idempotent, so an erasure run again finishes
 * whatever an earlier run left.
 */

/** The profile once erased: no name, phone, e-mail or consents; balance, chain head and barcode stay. */
export function erasedProfileUpdate(db: Db, customer: Customer, now: string): NamedItem {
  const values: Record<string, unknown> = {
    ":empty": "",
    ":false": false,
    ":now": now,
    ":oldName": customer.name,
  };
  // As read: a rename or contact change meanwhile would leave its index word or claim behind.
  const conditions = ["attribute_exists(pk)", "attribute_not_exists(erasedAt)", "#name = :oldName"];
  for (const field of ["phone", "email"] as const) {
    const old = customer[field];
    if (old === undefined) conditions.push(`attribute_not_exists(${field})`);
    else {
      values[`:old_${field}`] = old;
      conditions.push(`${field} = :old_${field}`);
    }
  }
  return {
    name: "customer",
    item: {
      Update: {
        TableName: db.table,
        Key: { pk: customerPk(customer.merchantId, customer.id), sk: profileSk() },
        UpdateExpression:
          "SET #name = :empty, marketingConsent = :false, erasedAt = :now, updatedAt = :now REMOVE phone, email, transactionalConsent",
        ConditionExpression: conditions.join(" AND "),
        ExpressionAttributeNames: { "#name": "name" },
        ExpressionAttributeValues: values,
      },
    },
  };
}

/** Sort-key prefixes under the customer whose items only serve personal contact, deleted outright. */
const DELETED_PREFIXES = ["#CONTACT_CHANGE#", "#EMAIL_STATUS", "NOTIFY#", "DELIVERY#"] as const;

/** Deletes the member's contact changes, e-mail status and notification records; returns how many. */
export async function deleteContactRecords(db: Db, merchantId: string, customerId: string): Promise<number> {
  const pk = customerPk(merchantId, customerId);
  let deleted = 0;
  for (const prefix of DELETED_PREFIXES) {
    const items = await queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
      ProjectionExpression: "pk, sk",
      ConsistentRead: true,
    });
    for (const item of items) {
      await db.client.send(new DeleteCommand({ TableName: db.table, Key: { pk: item.pk, sk: item.sk } }));
      deleted += 1;
    }
  }
  return deleted;
}

/**
 * Removes the note and its salt from every entry whose hash covers only the note's digest. An entry from
 * before digests (its hash covers the note itself) keeps its note: removing it would break the chain.
 * Returns the entries stripped and those kept.
 */
export async function stripEntryNotes(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<{ stripped: number; keptUnderHash: number }> {
  const items = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    FilterExpression: "attribute_exists(note) OR attribute_exists(noteSalt)",
    ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":prefix": ENTRY_PREFIX },
    ProjectionExpression: "pk, sk, noteDigest",
    ConsistentRead: true,
  });
  let stripped = 0;
  let keptUnderHash = 0;
  for (const item of items) {
    if (typeof item.noteDigest !== "string") {
      keptUnderHash += 1;
      continue;
    }
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: "REMOVE note, noteSalt",
        ConditionExpression: "attribute_exists(noteDigest)",
      }),
    );
    stripped += 1;
  }
  return { stripped, keptUnderHash };
}

/** What staff and the member typed as free text: entry notes, claim descriptions and rejection reasons. */
export async function readFreeTexts(db: Db, merchantId: string, customerId: string): Promise<string[]> {
  const pk = customerPk(merchantId, customerId);
  const [entries, claims] = await Promise.all([
    queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      FilterExpression: "attribute_exists(note)",
      ExpressionAttributeValues: { ":pk": pk, ":prefix": ENTRY_PREFIX },
      ProjectionExpression: "note",
    }),
    queryAll(db, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": `${pk}#POINTSCLAIMS` },
      ProjectionExpression: "description, decision",
    }),
  ]);
  return [
    ...entries.map((item) => item.note),
    ...claims.flatMap((item) => [
      item.description,
      (item.decision as { reason?: unknown } | undefined)?.reason,
    ]),
  ].filter((text): text is string => typeof text === "string" && text !== "");
}

/** The member's barcode stops resolving: a voided card scanned at the till finds nobody. */
export function barcodeRelease(db: Db, merchantId: string, barcode: string): NamedItem {
  return {
    name: "barcode-release",
    item: {
      Delete: {
        TableName: db.table,
        Key: { pk: `MERCHANT#${merchantId}#BARCODE#${barcode}`, sk: "#BARCODE" },
      },
    },
  };
}

/** The staff's note on each cancelled redemption of the member (the redemption's `refund.note`) goes. */
export async function stripRefundNotes(db: Db, merchantId: string, customerId: string): Promise<number> {
  const entries = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    FilterExpression: "#type = :refund",
    ExpressionAttributeNames: { "#type": "type" },
    ExpressionAttributeValues: {
      ":pk": customerPk(merchantId, customerId),
      ":prefix": ENTRY_PREFIX,
      ":refund": "refund",
    },
    ProjectionExpression: "refs",
  });
  const ids = new Set(
    entries
      .map((entry) => (entry.refs as { redemptionId?: string } | undefined)?.redemptionId)
      .filter(Boolean),
  );
  let stripped = 0;
  for (const id of ids) {
    try {
      await db.client.send(
        new UpdateCommand({
          TableName: db.table,
          Key: redemptionKey(merchantId, id as string),
          UpdateExpression: "REMOVE refund.note",
          ConditionExpression: "attribute_exists(refund.note)",
        }),
      );
      stripped += 1;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  return stripped;
}

/** The member's claims lose what the member and staff typed: the description and a rejection's reason. */
export async function stripClaimTexts(db: Db, merchantId: string, customerId: string): Promise<number> {
  const items = await queryAll(db, {
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :pk",
    ExpressionAttributeValues: { ":pk": `${customerPk(merchantId, customerId)}#POINTSCLAIMS` },
    ProjectionExpression: "pk, sk",
  });
  for (const item of items) {
    await db.client
      .send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: "SET description = :empty REMOVE decision.reason",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":empty": "" },
        }),
      )
      .catch((error: unknown) => {
        // A claim without a decision has no `decision` map, and REMOVE of a path into it fails.
        if ((error as { name?: string }).name !== "ValidationException") throw error;
        return db.client.send(
          new UpdateCommand({
            TableName: db.table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: "SET description = :empty",
            ExpressionAttributeValues: { ":empty": "" },
          }),
        );
      });
  }
  return items.length;
}

/**
 * Rewrites the stored payload of every delivery to the merchant's endpoints that mentions the member, with
 * `redact` applied: a retried or redelivered webhook then sends (and signs) the redacted body.
 */
export async function redactWebhookPayloads(
  db: Db,
  merchantId: string,
  endpointIds: readonly string[],
  customerId: string,
  redact: (payload: string) => string,
): Promise<number> {
  let rewritten = 0;
  for (const endpointId of endpointIds) {
    const items = await queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      FilterExpression: "contains(payload, :customerId)",
      ExpressionAttributeValues: {
        ":pk": `MERCHANT#${merchantId}#WEBHOOK#${endpointId}`,
        ":prefix": "WEBHOOK_DELIVERY#",
        ":customerId": customerId,
      },
      ProjectionExpression: "pk, sk, payload",
    });
    for (const item of items) {
      const payload = redact(String(item.payload));
      if (payload === item.payload) continue;
      await db.client.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: "SET payload = :payload",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":payload": payload },
        }),
      );
      rewritten += 1;
    }
  }
  return rewritten;
}

export const STORED_ITEMS = [] as const satisfies readonly StoredItemType[];

import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import type { NamedItem } from "../db/transact.ts";

/** Who changed a customer's details, which fields, and when; never the values (they stay out of logs too). */
export interface AuditRecord {
  at: string;
  staffId: string;
  fields: string[];
}

const AUDIT_PREFIX = "AUDIT#";
/** Sorted by time; the id keeps two changes made in the same millisecond apart. */
const auditSk = (at: string, id: string) => `${AUDIT_PREFIX}${at}#${id}`;

/** The audit record ("audit") written with the change it describes. */
export function auditItem(
  db: Db,
  merchantId: string,
  customerId: string,
  id: string,
  record: AuditRecord,
): NamedItem {
  return {
    name: "audit",
    item: {
      Put: {
        TableName: db.table,
        Item: { pk: customerPk(merchantId, customerId), sk: auditSk(record.at, id), ...record },
      },
    },
  };
}

/** The newest `limit` audit records of a customer, newest first. */
export async function readAudit(
  db: Db,
  merchantId: string,
  customerId: string,
  limit: number,
): Promise<AuditRecord[]> {
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

export const STORED_ITEMS = [
  { type: "customer-audit", sk: "AUDIT#<at>#<id>", indexes: [] },
] as const satisfies readonly StoredItemType[];

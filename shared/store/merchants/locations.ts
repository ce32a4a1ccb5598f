import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Location } from "../../model.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { setExpression } from "../db/set-expression.ts";
import type { NamedItem } from "../db/transact.ts";
import { newRecordItem, readRecord, readRecordItems, recordFromItem, recordKey } from "./partition.ts";

/** A merchant's locations (`LOCATION#<id>` in its partition), each earning with one program. */
const PREFIX = "LOCATION#";
export const locationSk = (locationId: string) => `${PREFIX}${locationId}`;

export const readLocation = (db: Db, merchantId: string, locationId: string, consistent: boolean) =>
  readRecord<Location>(db, merchantId, locationSk(locationId), consistent);

export const listLocations = async (db: Db, merchantId: string): Promise<Location[]> =>
  (await readRecordItems(db, merchantId, PREFIX)).map((item) => recordFromItem<Location>(item));

/** A new location ("location"). */
export const newLocationItem = (db: Db, location: Location): NamedItem =>
  newRecordItem(db, "location", location.merchantId, locationSk(location.id), location);

/** Sets the fields given on an existing location (a condition failure if it has none); returns it as saved. */
export async function saveLocationChanges(
  db: Db,
  merchantId: string,
  locationId: string,
  changes: Partial<Pick<Location, "name" | "programId" | "openingHours" | "updatedAt">>,
): Promise<Location> {
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: recordKey(merchantId, locationSk(locationId)),
      ...setExpression(changes),
      ConditionExpression: "attribute_exists(pk)",
      ReturnValues: "ALL_NEW",
    }),
  );
  return recordFromItem<Location>(Attributes ?? {});
}

export const STORED_ITEMS = [
  { type: "location", sk: "LOCATION#<id>", indexes: [] },
] as const satisfies readonly StoredItemType[];

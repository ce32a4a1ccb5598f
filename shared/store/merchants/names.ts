import { batchGet } from "../db/batch-get.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { locationSk } from "./locations.ts";
import { recordKey } from "./partition.ts";
import { staffSk } from "./staff.ts";

export interface RecordNames {
  staff: ReadonlyMap<string, string>;
  locations: ReadonlyMap<string, string>;
}

/** The names of some staff members and locations, in one batch read; ids that no longer exist are left out. */
export async function readRecordNames(
  db: Db,
  merchantId: string,
  ids: { staff: readonly string[]; locations: readonly string[] },
): Promise<RecordNames> {
  const staffKeys = ids.staff.map((id) => [id, recordKey(merchantId, staffSk(id))] as const);
  const locationKeys = ids.locations.map((id) => [id, recordKey(merchantId, locationSk(id))] as const);
  const found = await batchGet(
    db,
    [...staffKeys, ...locationKeys].map(([, key]) => key),
  );
  const names = (keys: readonly (readonly [string, { pk: string; sk: string }])[]) =>
    new Map(
      keys.flatMap(([id, key]) => {
        const name = found.get(`${key.pk}|${key.sk}`)?.name;
        return typeof name === "string" ? [[id, name] as const] : [];
      }),
    );
  return { staff: names(staffKeys), locations: names(locationKeys) };
}

/** Reads only. */
export const STORED_ITEMS = [] as const satisfies readonly StoredItemType[];

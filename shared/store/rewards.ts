import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Reward } from "../model.ts";
import { wellFormedDeep } from "../text.ts";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { setExpression } from "./db/set-expression.ts";
import type { NamedItem } from "./db/transact.ts";
import {
  newRecordItem,
  readRecord,
  readRecordItems,
  recordFromItem,
  recordKey,
} from "./merchants/partition.ts";

/** A merchant's rewards catalogue (`REWARD#<id>` in the merchant's partition), archived rewards included. */
const PREFIX = "REWARD#";
export const rewardSk = (rewardId: string) => `${PREFIX}${rewardId}`;

/**
 * Well-formed: a name stored before lone surrogates were refused would otherwise make every redemption's
 * ledger entry, which quotes it, impossible to hash (RFC 8785 refuses them), so every redemption a 500.
 */
export const readReward = async (db: Db, merchantId: string, rewardId: string, consistent: boolean) =>
  wellFormedDeep(await readRecord<Reward>(db, merchantId, rewardSk(rewardId), consistent));

/** Archived rewards included: redemptions made before the deletion still point at them. */
export const listRewards = async (db: Db, merchantId: string): Promise<Reward[]> =>
  (await readRecordItems(db, merchantId, PREFIX)).map((item) => recordFromItem<Reward>(item));

/** A new reward ("reward"). */
export const newRewardItem = (db: Db, reward: Reward): NamedItem =>
  newRecordItem(db, "reward", reward.merchantId, rewardSk(reward.id), reward);

export type RewardChanges = Partial<Pick<Reward, "name" | "points" | "discount" | "updatedAt">>;

/** Sets the changes on a reward that is still active; undefined when it is missing or archived. */
export async function updateActiveReward(
  db: Db,
  merchantId: string,
  rewardId: string,
  changes: RewardChanges,
): Promise<Reward | undefined> {
  const set = setExpression(changes);
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: recordKey(merchantId, rewardSk(rewardId)),
        UpdateExpression: set.UpdateExpression,
        ConditionExpression: "attribute_exists(pk) AND #status = :active",
        ExpressionAttributeNames: { ...set.ExpressionAttributeNames, "#status": "status" },
        ExpressionAttributeValues: { ...set.ExpressionAttributeValues, ":active": "active" },
        ReturnValues: "ALL_NEW",
      }),
    );
    return recordFromItem<Reward>(Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** Archives the reward, keeping the times of a first archiving; undefined when there is no such reward. */
export async function setArchived(
  db: Db,
  merchantId: string,
  rewardId: string,
  now: string,
): Promise<Reward | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: recordKey(merchantId, rewardSk(rewardId)),
        UpdateExpression:
          "SET #status = :archived, archivedAt = if_not_exists(archivedAt, :now), updatedAt = if_not_exists(archivedAt, :now)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":archived": "archived", ":now": now },
        ReturnValues: "ALL_NEW",
      }),
    );
    return recordFromItem<Reward>(Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

export const STORED_ITEMS = [
  { type: "reward", sk: "REWARD#<id>", indexes: [] },
] as const satisfies readonly StoredItemType[];

import { createHash } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";

/**
 * One item per owner e-mail address that ever started a merchant (`SIGNUP#<sha-256 of the address>`,
 * outside every merchant's partition, since it is what finds the merchant): the ids its merchant and owner
 * were given. Claimed before anything else is made, so the same address twice, or a retry after a failure
 * half-way, goes on with the same ids and never makes a second merchant.
 */
export interface SignupClaim {
  merchantId: string;
  ownerStaffId: string;
  createdAt: string;
}

// The address itself never reaches the table, only its hash.
const key = (email: string) => ({
  pk: `SIGNUP#${createHash("sha256").update(email.toLowerCase()).digest("hex")}`,
  sk: "#SIGNUP",
});

export async function readSignupClaim(db: Db, email: string): Promise<SignupClaim | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(email), ConsistentRead: true }),
  );
  return Item
    ? { merchantId: Item.merchantId, ownerStaffId: Item.ownerStaffId, createdAt: Item.createdAt }
    : undefined;
}

/** Writes the claim unless the address has one; answers the claim that holds either way. */
export async function claimSignup(db: Db, email: string, claim: SignupClaim): Promise<SignupClaim> {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...key(email), ...claim },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return claim;
  } catch (error) {
    if (!(error instanceof Error && error.name === "ConditionalCheckFailedException")) throw error;
    const held = await readSignupClaim(db, email);
    if (!held) throw error;
    return held;
  }
}

export const STORED_ITEMS = [
  { type: "signup-claim", sk: "#SIGNUP", indexes: [] },
] as const satisfies readonly StoredItemType[];

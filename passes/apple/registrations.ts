import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "../../shared/db/batch-get.ts";
import type { Db } from "../../shared/db/client.ts";
import { cancellationCodes } from "../../shared/db/contention.ts";
import {
  appleDevicePk,
  devicePassPrefix,
  devicePassSk,
  PASS_DEVICE_PREFIX,
  passDeviceSk,
  passPk,
  passSk,
} from "../../shared/db/keys.ts";
import { queryAll } from "../../shared/db/query-all.ts";
import type { PassRecord } from "../pass-records.ts";

/**
 * A device's registration for a pass, stored twice in one transaction: under the pass, to push to
 * every device holding it, and under the device, to answer "which of my passes changed?".
 */
export interface Registration {
  deviceLibraryIdentifier: string;
  passTypeIdentifier: string;
  serialNumber: string;
  pushToken: string;
}

export interface PassDevice {
  deviceLibraryIdentifier: string;
  pushToken: string;
}

const passSide = (r: Pick<Registration, "serialNumber" | "deviceLibraryIdentifier">) => ({
  pk: passPk(r.serialNumber),
  sk: passDeviceSk(r.deviceLibraryIdentifier),
});
const deviceSide = (r: Omit<Registration, "pushToken">) => ({
  pk: appleDevicePk(r.deviceLibraryIdentifier),
  sk: devicePassSk(r.passTypeIdentifier, r.serialNumber),
});

/** "created" the first time (Apple's 201), "updated" when the device was registered already (200). */
export async function registerDevice(
  db: Db,
  registration: Registration,
  now: Date,
): Promise<"created" | "updated"> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: passSide(registration), ConsistentRead: true }),
  );
  const at = now.toISOString();
  const attributes = {
    deviceLibraryIdentifier: registration.deviceLibraryIdentifier,
    passTypeIdentifier: registration.passTypeIdentifier,
    serialNumber: registration.serialNumber,
  };
  // A re-registration may bring a new push token; the first registration time is kept.
  const createdAt = (Item?.createdAt as string | undefined) ?? at;
  await db.client.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: db.table,
            Item: {
              ...passSide(registration),
              ...attributes,
              pushToken: registration.pushToken,
              createdAt,
              updatedAt: at,
            },
          },
        },
        { Put: { TableName: db.table, Item: { ...deviceSide(registration), ...attributes, createdAt } } },
      ],
    }),
  );
  return Item ? "updated" : "created";
}

export async function unregisterDevice(db: Db, registration: Omit<Registration, "pushToken">): Promise<void> {
  await db.client.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: db.table, Key: passSide(registration) } },
        { Delete: { TableName: db.table, Key: deviceSide(registration) } },
      ],
    }),
  );
}

/**
 * APNs said the token is no longer valid (410): both sides of the registration go together, unless
 * the device registered again with a new token in the meantime.
 */
export async function removeStaleRegistration(db: Db, registration: Registration): Promise<void> {
  try {
    await db.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: db.table,
              Key: passSide(registration),
              ConditionExpression: "pushToken = :token",
              ExpressionAttributeValues: { ":token": registration.pushToken },
            },
          },
          { Delete: { TableName: db.table, Key: deviceSide(registration) } },
        ],
      }),
    );
  } catch (error) {
    if (cancellationCodes(error)?.[0] === "ConditionalCheckFailed") return;
    throw error;
  }
}

/** Every device to push to when the pass changes. */
export async function listPassDevices(db: Db, serialNumber: string): Promise<PassDevice[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": passPk(serialNumber), ":prefix": PASS_DEVICE_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => ({
    deviceLibraryIdentifier: item.deviceLibraryIdentifier as string,
    pushToken: item.pushToken as string,
  }));
}

/** The passes of one type a device registered, with their update state. */
export async function listDevicePasses(
  db: Db,
  deviceLibraryIdentifier: string,
  passTypeIdentifier: string,
): Promise<PassRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: {
      ":pk": appleDevicePk(deviceLibraryIdentifier),
      ":prefix": devicePassPrefix(passTypeIdentifier),
    },
  });
  // Consistent: a pass changed a moment ago must not be reported as unchanged.
  const keys = items.map((item) => ({ pk: passPk(item.serialNumber as string), sk: passSk() }));
  const found = await batchGet(db, keys, { consistent: true });
  return [...found.values()].map(({ pk, sk: _sk, ...rest }) => ({
    ...(rest as unknown as PassRecord),
    serialNumber: String(pk).slice(passPk("").length),
  }));
}

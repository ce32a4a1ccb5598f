import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
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
  const devices: PassDevice[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": passPk(serialNumber), ":prefix": PASS_DEVICE_PREFIX },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      devices.push({
        deviceLibraryIdentifier: item.deviceLibraryIdentifier as string,
        pushToken: item.pushToken as string,
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return devices;
}

/** The passes of one type a device registered, with their update state. */
export async function listDevicePasses(
  db: Db,
  deviceLibraryIdentifier: string,
  passTypeIdentifier: string,
): Promise<PassRecord[]> {
  const serials: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: {
          ":pk": appleDevicePk(deviceLibraryIdentifier),
          ":prefix": devicePassPrefix(passTypeIdentifier),
        },
        ExclusiveStartKey: startKey,
      }),
    );
    serials.push(...(page.Items ?? []).map((item) => item.serialNumber as string));
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  const passes: PassRecord[] = [];
  // BatchGetItem takes 100 keys; a device holds a handful of passes of one type.
  for (let i = 0; i < serials.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = serials
      .slice(i, i + 100)
      .map((serial) => ({ pk: passPk(serial), sk: passSk() }));
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await db.client.send(
        new BatchGetCommand({ RequestItems: { [db.table]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[db.table] ?? []) {
        const { pk, sk: _sk, ...rest } = item;
        passes.push({ ...(rest as PassRecord), serialNumber: String(pk).slice(passPk("").length) });
      }
      keys = result.UnprocessedKeys?.[db.table]?.Keys;
    }
  }
  return passes;
}

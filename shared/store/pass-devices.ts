import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { queryAll } from "./db/query-all.ts";
import { TransactionCancelled, transact } from "./db/transact.ts";
import { type PassRecord, passPk, readPasses } from "./passes.ts";

/**
 * A device's registration for a pass, stored twice in one transaction: under the pass, to push to
 * every device holding it, and under the device, to answer "which of my passes changed?". One pass
 * may be on many devices. The stream filter never matches these items.
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

// Under the pass (PASS#<serial>): every device to push to when it changes.
const PASS_DEVICE_PREFIX = "DEVICE#";
const passDeviceSk = (deviceLibraryId: string) => `${PASS_DEVICE_PREFIX}${deviceLibraryId}`;
// Under the device: the serials a device asks about, by pass type.
const appleDevicePk = (deviceLibraryId: string) => `APPLEDEVICE#${deviceLibraryId}`;
const devicePassPrefix = (passTypeIdentifier: string) => `PASS#${passTypeIdentifier}#`;
const devicePassSk = (passTypeIdentifier: string, serialNumber: string) =>
  `${devicePassPrefix(passTypeIdentifier)}${serialNumber}`;

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
  await transact(db, [
    {
      name: "pass-device",
      item: {
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
    },
    {
      name: "device-pass",
      item: { Put: { TableName: db.table, Item: { ...deviceSide(registration), ...attributes, createdAt } } },
    },
  ]);
  return Item ? "updated" : "created";
}

export async function unregisterDevice(db: Db, registration: Omit<Registration, "pushToken">): Promise<void> {
  await transact(db, [
    { name: "pass-device", item: { Delete: { TableName: db.table, Key: passSide(registration) } } },
    { name: "device-pass", item: { Delete: { TableName: db.table, Key: deviceSide(registration) } } },
  ]);
}

/**
 * APNs said the token is no longer valid (410 Unregistered, 400 BadDeviceToken): both sides of the registration go together, unless
 * the device registered again with a new token in the meantime.
 */
export async function removeStaleRegistration(db: Db, registration: Registration): Promise<void> {
  try {
    await transact(db, [
      {
        name: "pass-device",
        item: {
          Delete: {
            TableName: db.table,
            Key: passSide(registration),
            ConditionExpression: "pushToken = :token",
            ExpressionAttributeValues: { ":token": registration.pushToken },
          },
        },
      },
      { name: "device-pass", item: { Delete: { TableName: db.table, Key: deviceSide(registration) } } },
    ]);
  } catch (error) {
    // The device registered again with a new token meanwhile: that registration stays.
    if (error instanceof TransactionCancelled && error.has("pass-device")) return;
    throw error;
  }
}

/**
 * After the void pass of an erased member was pushed: the pass's side of each registration, which holds
 * the push token, is deleted (unless the device registered again with a new token meanwhile).
 */
export async function forgetPushTokens(db: Db, serialNumber: string, devices: readonly PassDevice[]) {
  for (const device of devices) {
    await db.client
      .send(
        new DeleteCommand({
          TableName: db.table,
          Key: passSide({ serialNumber, deviceLibraryIdentifier: device.deviceLibraryIdentifier }),
          ConditionExpression: "pushToken = :token",
          ExpressionAttributeValues: { ":token": device.pushToken },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
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
  return readPasses(
    db,
    items.map((item) => item.serialNumber as string),
    true,
  );
}

export const STORED_ITEMS = [
  { type: "pass-device", sk: "DEVICE#<device> (pk PASS#<serial>)", indexes: [] },
  { type: "device-pass", sk: "PASS#<passType>#<serial> (pk APPLEDEVICE#<device>)", indexes: [] },
] as const satisfies readonly StoredItemType[];

import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import { profileSk } from "../shared/store/customers/profile.ts";
import { TABLE } from "../shared/store/db/table-definition.ts";

/**
 * Which stream records change what a member's pass shows, grouped per pass. Only the profile item
 * carries displayed data (balance, name, history length, locale…); the pass's own state lives on
 * other items, so the handler's writes never come back to it.
 */

/**
 * The event source mapping's filter (CDK `FilterCriteria.filter`), applied by the local stack too.
 * INSERT: a new membership (its Google object is created); MODIFY: anything on the profile changed.
 */
export const PASS_UPDATES_FILTER_PATTERNS: readonly Record<string, unknown>[] = [
  { eventName: ["INSERT", "MODIFY"], dynamodb: { Keys: { [TABLE.sortKey]: { S: [profileSk()] } } } },
];

/**
 * Profile attributes a pass shows, directly or through what derives from them: the next reward from
 * the balance, the back's history from seq, the next expiry from the point batches, which only
 * change with an entry (so with seq), and the tier and its progress from the standing (`tiers`).
 */
const DISPLAYED = ["name", "balance", "locale", "seq", "barcode", "erasedAt", "tiers"] as const;

export interface PassChange {
  serialNumber: string;
  merchantId: string;
  customerId: string;
  /** The newest stream position in the group, zero-padded so that positions compare as strings. */
  seq: string;
  created: boolean;
  displayChanged: boolean;
  balanceChanged: boolean;
  /** A level held changed (a `tier_change` entry moved the profile's standing): worth a notification. */
  tierChanged: boolean;
  /** The member's data is erased (the new image has `erasedAt`): the pass is void, its push tokens go. */
  erased: boolean;
}

// DynamoDB sequence numbers are decimal strings of 21 to 40 digits.
const SEQ_WIDTH = 40;
export const paddedSeq = (sequenceNumber: string) => sequenceNumber.padStart(SEQ_WIDTH, "0");
/** Padded positions compare as strings (Math.max would turn 40 digits into an imprecise number). */
const laterSeq = (a: string, b: string) => (a.localeCompare(b) >= 0 ? a : b);

type Image = Record<string, AttributeValue> | undefined;

/** Attribute values compared regardless of map key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const differs = (name: string, before: Image, after: Image) =>
  canonical(before?.[name]) !== canonical(after?.[name]);

/** The level held per program (`tiers.<programId>.tier`), as the image stores the standing. */
function levelsOf(image: Image): string {
  const standings = image?.tiers?.M ?? {};
  return canonical(
    Object.fromEntries(Object.entries(standings).map(([id, s]) => [id, s.M?.tier?.S ?? null])),
  );
}

/** The change a record makes to a pass, or undefined when it changes nothing a pass shows. */
export function passChangeOf(record: DynamoDBRecord): PassChange | undefined {
  const stream = record.dynamodb;
  if (record.eventName !== "INSERT" && record.eventName !== "MODIFY") return undefined;
  if (stream?.Keys?.[TABLE.sortKey]?.S !== profileSk() || !stream.SequenceNumber) return undefined;
  const after = stream.NewImage;
  const serialNumber = after?.passSerial?.S;
  const merchantId = after?.merchantId?.S;
  const customerId = after?.id?.S;
  if (!serialNumber || !merchantId || !customerId) return undefined;
  const created = record.eventName === "INSERT";
  const before = stream.OldImage;
  const displayChanged = !created && DISPLAYED.some((name) => differs(name, before, after));
  if (!created && !displayChanged) return undefined;
  return {
    serialNumber,
    merchantId,
    customerId,
    seq: paddedSeq(stream.SequenceNumber),
    created,
    displayChanged,
    balanceChanged: !created && differs("balance", before, after),
    tierChanged: !created && levelsOf(before) !== levelsOf(after),
    erased: after?.erasedAt !== undefined,
  };
}

/**
 * Several changes to one pass in a batch become one change, at the newest position. Keyed by each
 * record's sequence number (a batch comes from one shard, where they are unique).
 */
export function groupPassChanges(records: readonly DynamoDBRecord[]): Map<string, PassChange> {
  const bySerial = new Map<string, PassChange>();
  const changeOf = new Map<string, string>();
  for (const record of records) {
    const change = passChangeOf(record);
    if (!change) continue;
    const group = bySerial.get(change.serialNumber);
    bySerial.set(
      change.serialNumber,
      group
        ? {
            ...group,
            seq: laterSeq(change.seq, group.seq),
            created: group.created || change.created,
            displayChanged: group.displayChanged || change.displayChanged,
            balanceChanged: group.balanceChanged || change.balanceChanged,
            tierChanged: group.tierChanged || change.tierChanged,
            // An erasure is never undone: once a record shows it, the pass is void.
            erased: group.erased || change.erased,
          }
        : change,
    );
    changeOf.set(record.dynamodb?.SequenceNumber ?? "", change.serialNumber);
  }
  return new Map([...changeOf].map(([seq, serial]) => [seq, bySerial.get(serial) as PassChange]));
}

/**
 * A record handler for Powertools' BatchProcessor: the records of one pass share one delivery, so
 * they succeed or fail together; records that change no pass succeed at once.
 */
export function passChangeRecordHandler(
  records: readonly DynamoDBRecord[],
  deliver: (change: PassChange) => Promise<void>,
): (record: DynamoDBRecord) => Promise<void> {
  const changes = groupPassChanges(records);
  const deliveries = new Map<string, Promise<void>>();
  return async (record) => {
    const change = changes.get(record.dynamodb?.SequenceNumber ?? "");
    if (!change) return;
    let delivery = deliveries.get(change.serialNumber);
    if (!delivery) {
      delivery = deliver(change);
      deliveries.set(change.serialNumber, delivery);
    }
    await delivery;
  };
}

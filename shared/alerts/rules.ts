import { createHash } from "node:crypto";
import type { LedgerEntry } from "../model.ts";

/**
 * A merchant's fraud and abuse rules (issue 21, part 3), each off when absent. Thresholds are bounded
 * integers (functions/settings-update.ts validates them), so a counter never needs more than a number.
 */
export interface AlertRules {
  /** More than N earns (purchase or visit entries) for one customer in one UTC day. */
  customerEarnsPerDay?: number;
  /** More than N points-changing entries written by one staff member in one UTC hour. */
  staffEntriesPerHour?: number;
  /** A manual entry of more than N points (credited or deducted). */
  manualPointsAbove?: number;
  /** More than N earns at one location outside its opening hours in one UTC day (locations with hours only). */
  earnsOutsideHoursPerDay?: number;
  /**
   * Hold mode, not a rule that fires: manual points of more than N (either sign) are held until another
   * staff member approves them (./holds.ts).
   */
  holdManualPointsAbove?: number;
}

export const ALERT_RULES = [
  "customerEarnsPerDay",
  "staffEntriesPerHour",
  "manualPointsAbove",
  "earnsOutsideHoursPerDay",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/**
 * The largest count threshold: far above any real day's earns for one customer, and small enough that a
 * counter's list of entry ids stays well inside one item (400 KB).
 */
export const ALERT_COUNT_MAX = 1_000;

export type AlertSubject = { customerId: string } | { staffId: string } | { locationId: string };

/** One alert: a rule, whom it is about, the window it fired in and the entries that made it fire. */
export interface Alert {
  /** Deterministic per rule + subject + window, so a rule fires once per window, replays included. */
  id: string;
  merchantId: string;
  rule: AlertRule;
  subject: AlertSubject;
  /** [start, end) in ISO 8601 UTC; for manualPointsAbove the entry's own instant (start = end). */
  window: { start: string; end: string };
  threshold: number;
  /** The count that crossed the threshold, or the manual entry's points. */
  observed: number;
  /** The entries that made it fire, oldest first: enough of each to act on without reading the ledger. */
  entries: AlertEntry[];
  createdAt: string;
}

/** What an alert keeps of a triggering entry: ids, no personal data. */
export interface AlertEntry {
  id: string;
  type: LedgerEntry["type"];
  points: number;
  customerId: string;
  staffId?: string;
  locationId?: string;
  createdAt: string;
}

/** The fields of a ledger entry the rules read (a stream record's new image has them all). */
export type EvaluatedEntry = Pick<
  LedgerEntry,
  "id" | "merchantId" | "customerId" | "type" | "points" | "staffId" | "locationId" | "createdAt"
>;

/** Points-changing entries people make: an expiry is the system's own doing and no staff member's. */
const STAFF_ENTRY_TYPES = new Set<LedgerEntry["type"]>([
  "purchase",
  "visit",
  "manual",
  "redemption",
  "refund",
  "reversal",
]);
const EARN_TYPES = new Set<LedgerEntry["type"]>(["purchase", "visit"]);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The UTC window of `size` ms holding `at`. */
export function windowOf(at: Date, size: number): { start: string; end: string } {
  const start = Math.floor(at.getTime() / size) * size;
  return { start: new Date(start).toISOString(), end: new Date(start + size).toISOString() };
}

/** One counter item per rule + subject + window (shared/store/alerts.ts keeps it until the TTL). */
export interface CounterKey {
  merchantId: string;
  rule: AlertRule;
  subjectKey: string;
  windowStart: string;
  /** When the counter item may go (TTL): a day after its window closed, replays long over. */
  expiresAt: string;
}

/**
 * What the evaluation needs from the store. Both writes are conditional, so replays of one stream record
 * and concurrent consumers converge on the same counts and on at most one alert per rule and window.
 */
export interface AlertDeps {
  /**
   * Adds the entry to the counter unless it is there or the counter holds `cap` entries already, and
   * returns the counter's entries in order of arrival (their number is the count): a replayed entry does
   * not count twice, and a counter stops growing once it has made its rule fire.
   */
  countOnce(key: CounterKey, entry: AlertEntry, cap: number): Promise<AlertEntry[]>;
  /** Writes the alert unless one with its id exists; true when this call wrote it (then it is notified). */
  createOnce(alert: Alert): Promise<boolean>;
  /** Whether the earn was made at a location, outside its opening hours; false when it has none. */
  outsideHours?(entry: EvaluatedEntry): Promise<boolean>;
  now(): Date;
}

const subjectKeyOf = (subject: AlertSubject) =>
  "customerId" in subject
    ? `customer#${subject.customerId}`
    : "staffId" in subject
      ? `staff#${subject.staffId}`
      : `location#${subject.locationId}`;

/** A digest of what makes the alert one, so the id is an API record id (no `#` or `:`). */
const digestId = (text: string) =>
  `alr_${createHash("sha256").update(text).digest("base64url").slice(0, 26)}`;

export const alertIdOf = (rule: AlertRule, subject: AlertSubject, windowStart: string) =>
  digestId(`${rule}\n${subjectKeyOf(subject)}\n${windowStart}`);

/**
 * Evaluates one new ledger entry against the merchant's rules; returns the alerts this call created (the
 * caller notifies the owner of those only). Windows are those of the entry's own time, not the consumer's,
 * so a stream that lags or a record replayed later counts in the window the entry was written in.
 */
export async function evaluateEntry(
  deps: AlertDeps,
  rules: AlertRules | undefined,
  entry: EvaluatedEntry,
): Promise<Alert[]> {
  if (!rules) return [];
  const at = new Date(entry.createdAt);
  const summary: AlertEntry = {
    id: entry.id,
    type: entry.type,
    points: entry.points,
    customerId: entry.customerId,
    ...(entry.staffId ? { staffId: entry.staffId } : {}),
    ...(entry.locationId ? { locationId: entry.locationId } : {}),
    createdAt: entry.createdAt,
  };
  const created: Alert[] = [];

  const windowed = async (
    rule: AlertRule,
    threshold: number,
    subject: AlertSubject,
    size: number,
  ): Promise<void> => {
    const window = windowOf(at, size);
    const entries = await deps.countOnce(
      {
        merchantId: entry.merchantId,
        rule,
        subjectKey: subjectKeyOf(subject),
        windowStart: window.start,
        expiresAt: new Date(Date.parse(window.end) + DAY_MS).toISOString(),
      },
      summary,
      threshold + 1,
    );
    // "More than N": the N+1st entry makes the alert. A replay of any counted entry tries the create again
    // (it finds the alert, or makes it if the first try died between the two writes).
    if (entries.length <= threshold) return;
    const alert: Alert = {
      id: alertIdOf(rule, subject, window.start),
      merchantId: entry.merchantId,
      rule,
      subject,
      window,
      threshold,
      observed: entries.length,
      // Oldest first: a batch's records are evaluated concurrently, so arrival order is not the ledger's.
      entries: entries.slice(0, threshold + 1).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      createdAt: deps.now().toISOString(),
    };
    if (await deps.createOnce(alert)) created.push(alert);
  };

  if (rules.customerEarnsPerDay !== undefined && EARN_TYPES.has(entry.type)) {
    await windowed(
      "customerEarnsPerDay",
      rules.customerEarnsPerDay,
      { customerId: entry.customerId },
      DAY_MS,
    );
  }
  if (rules.staffEntriesPerHour !== undefined && entry.staffId && STAFF_ENTRY_TYPES.has(entry.type)) {
    await windowed("staffEntriesPerHour", rules.staffEntriesPerHour, { staffId: entry.staffId }, HOUR_MS);
  }
  if (
    rules.earnsOutsideHoursPerDay !== undefined &&
    entry.locationId &&
    EARN_TYPES.has(entry.type) &&
    (await deps.outsideHours?.(entry))
  ) {
    await windowed(
      "earnsOutsideHoursPerDay",
      rules.earnsOutsideHoursPerDay,
      { locationId: entry.locationId },
      DAY_MS,
    );
  }
  if (
    rules.manualPointsAbove !== undefined &&
    entry.type === "manual" &&
    Math.abs(entry.points) > rules.manualPointsAbove
  ) {
    // One entry is its own window: the alert id is the entry's, so a replay finds it written.
    const subject: AlertSubject = entry.staffId
      ? { staffId: entry.staffId }
      : { customerId: entry.customerId };
    const alert: Alert = {
      id: digestId(`manualPointsAbove\nentry#${entry.id}`),
      merchantId: entry.merchantId,
      rule: "manualPointsAbove",
      subject,
      window: { start: entry.createdAt, end: entry.createdAt },
      threshold: rules.manualPointsAbove,
      observed: Math.abs(entry.points),
      entries: [summary],
      createdAt: deps.now().toISOString(),
    };
    if (await deps.createOnce(alert)) created.push(alert);
  }
  return created;
}

import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import type { Clock } from "../clock.ts";
import { logger } from "../logger.ts";
import { getLocationCached, getMerchant } from "../merchants/directory.ts";
import { isOpenAt } from "../merchants/opening-hours.ts";
import type { LedgerEntry } from "../model.ts";
import { countEntryOnce, putAlertOnce } from "../store/alerts.ts";
import type { Db } from "../store/db/client.ts";
import { TABLE } from "../store/db/table-definition.ts";
import type { AlertNotifier } from "./owner-notice.ts";
import { type Alert, type AlertRules, type EvaluatedEntry, evaluateEntry } from "./rules.ts";

/**
 * The alerts step of the webhooks stream consumer (functions/webhooks-stream.ts): every new ledger entry
 * is evaluated against its merchant's rules after it was written, never in the earn's request path. The
 * entry's few fields come from the record's new image (no read); the merchant's rules from a per-container
 * cache, so a change of the rules applies within RULES_STALE_MS.
 */

export interface AlertStreamDeps {
  db: Db;
  clock: Clock;
  /** Tells the owners of a new alert (./owner-notice.ts); absent when e-mail is off. */
  notify?: AlertNotifier;
}

/** How old the cached rules of a merchant may be: a rule switched on counts from at most this much later. */
export const RULES_STALE_MS = 60_000;
/** Merchants whose rules a container keeps; past this the oldest is dropped. */
const RULES_CACHE_MAX = 1_000;

const rulesCache = new Map<string, { rules: AlertRules | undefined; readAt: number }>();

async function rulesOf(deps: AlertStreamDeps, merchantId: string): Promise<AlertRules | undefined> {
  const now = deps.clock().getTime();
  const cached = rulesCache.get(merchantId);
  if (cached && now - cached.readAt < RULES_STALE_MS && now >= cached.readAt) return cached.rules;
  const rules = (await getMerchant(deps.db, merchantId))?.alertRules;
  rulesCache.delete(merchantId);
  rulesCache.set(merchantId, { rules, readAt: now });
  if (rulesCache.size > RULES_CACHE_MAX) rulesCache.delete(rulesCache.keys().next().value as string);
  return rules;
}

/** For tests that change a merchant's rules and want the next record to see them. */
export const forgetCachedRules = () => rulesCache.clear();

/** A new ledger entry's fields from a stream record; undefined for any other record. */
export function entryOfRecord(record: DynamoDBRecord): EvaluatedEntry | undefined {
  if (record.eventName !== "INSERT") return undefined;
  const sk = record.dynamodb?.Keys?.[TABLE.sortKey]?.S;
  if (!sk?.startsWith("ENTRY#")) return undefined;
  const image: Record<string, AttributeValue> = record.dynamodb?.NewImage ?? {};
  const s = (name: string) => image[name]?.S;
  const id = s("id");
  const merchantId = s("merchantId");
  const customerId = s("customerId");
  const type = s("type");
  const createdAt = s("createdAt");
  const points = Number(image.points?.N);
  if (!id || !merchantId || !customerId || !type || !createdAt || !Number.isSafeInteger(points))
    return undefined;
  const staffId = s("staffId");
  const locationId = s("locationId");
  return {
    id,
    merchantId,
    customerId,
    type: type as LedgerEntry["type"],
    points,
    createdAt,
    ...(staffId ? { staffId } : {}),
    ...(locationId ? { locationId } : {}),
  };
}

/**
 * Evaluates the record's entry, if it is one. A table error throws (the record is delivered again: the
 * counters and alerts are conditional writes, so nothing counts twice); an e-mail that fails is logged,
 * as the alert is in the list whatever becomes of it.
 */
export async function evaluateRecord(deps: AlertStreamDeps, record: DynamoDBRecord): Promise<Alert[]> {
  const entry = entryOfRecord(record);
  if (!entry) return [];
  const rules = await rulesOf(deps, entry.merchantId);
  if (!rules || Object.keys(rules).length === 0) return [];
  const created = await evaluateEntry(
    {
      countOnce: (key, counted, cap) => countEntryOnce(deps.db, key, counted, cap),
      createOnce: (alert) => putAlertOnce(deps.db, alert),
      outsideHours: async (earn) => {
        if (!earn.locationId) return false;
        // The container's directory cache: the earn path reads the same location through it.
        const location = await getLocationCached(deps.db, earn.merchantId, earn.locationId);
        return location?.openingHours ? !isOpenAt(location.openingHours, new Date(earn.createdAt)) : false;
      },
      now: deps.clock,
    },
    rules,
    entry,
  );
  for (const alert of created) {
    logger.warn("fraud alert", { merchantId: alert.merchantId, alertId: alert.id, rule: alert.rule });
    await deps.notify?.(alert).catch((error: unknown) =>
      logger.error("fraud alert notice failed", {
        merchantId: alert.merchantId,
        alertId: alert.id,
        error: (error as Error).name,
      }),
    );
  }
  return created;
}

import type { Db } from "../store/db/client.ts";
import { readRecentRecords } from "../store/notifications/deliveries.ts";

/**
 * A notification's delivery record: the outbox item itself for notifications written to the outbox, a
 * `DELIVERY#<moment>:<entryId>` item for those caused by a ledger entry. It is claimed with a conditional
 * write before anything is sent, so each notification is sent at most once, whatever the stream redelivers
 * (shared/store/notifications/deliveries.ts).
 *
 * pending → sending → sent | skipped | failed (→ sending again, up to MAX_ATTEMPTS) | dead.
 * A record left `sending` means the function stopped mid-send: whether it went out is unknown, and it is
 * never sent again.
 */
export type NotificationStatus = "pending" | "sending" | "sent" | "skipped" | "failed" | "dead";

export const CHANNELS = ["email", "google_wallet"] as const;
export type Channel = (typeof CHANNELS)[number];

/** rejected: the recipient was refused for good (a bounced address); failed: worth another try. */
export interface ChannelOutcome {
  status: "sent" | "skipped" | "failed" | "rejected";
  /** Why it was skipped, or the error code (never a message: those can quote the address). */
  reason?: string;
  /** Google: whether the message buzzed the phone (TEXT_AND_NOTIFY) or arrived silently. */
  notified?: boolean;
}

export type ChannelOutcomes = Partial<Record<Channel, ChannelOutcome>>;

export interface NotificationRecord {
  merchantId: string;
  customerId: string;
  moment: string;
  dedupeKey: string;
  entryId?: string;
  status: NotificationStatus;
  reason?: string;
  attempts: number;
  channels?: ChannelOutcomes;
  lastError?: string;
  createdAt: string;
  updatedAt?: string;
}

/** After this many tries a failing notification is dead: recorded as such and no longer retried. */
export const MAX_ATTEMPTS = 3;

export interface AttemptResult {
  status: Exclude<NotificationStatus, "pending" | "sending">;
  channels: ChannelOutcomes;
  reason?: string;
  lastError?: string;
}

/** A notification as staff see it: what, through which channels, how it went; never the message itself. */
export function notificationView(record: NotificationRecord) {
  return {
    id: record.dedupeKey,
    moment: record.moment,
    status: record.status,
    reason: record.reason ?? null,
    attempts: record.attempts,
    channels: CHANNELS.flatMap((channel) => {
      const outcome = record.channels?.[channel];
      return outcome
        ? [
            {
              channel,
              status: outcome.status,
              reason: outcome.reason ?? null,
              notified: outcome.notified ?? null,
            },
          ]
        : [];
    }),
    entryId: record.entryId ?? null,
    lastError: record.lastError ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt ?? null,
  };
}

export type NotificationView = ReturnType<typeof notificationView>;

/** A customer's most recent notifications, newest first. */
export async function listNotifications(
  db: Db,
  merchantId: string,
  customerId: string,
  limit: number,
): Promise<NotificationView[]> {
  return (await readRecentRecords(db, merchantId, customerId, limit)).map(notificationView);
}

import { spendRateLimit } from "../rate-limit.ts";
import type { Db } from "../store/db/client.ts";
import type { ContactField } from "./contact.ts";

/**
 * The public join and "find my card" requests share these windows: a join answers differently for an
 * address that already has a card, and both can make us write to an address, so whoever sweeps addresses
 * or mails someone over and over is held to the same few requests whichever route they alternate.
 */
export const JOIN_LIMITS = {
  /** Customers joining at the counter over the shop's Wi-Fi share one address: room for a busy hour. */
  perIpPerHour: 30,
  /** Retrying a typo or asking for the card again; too few to flood a mailbox or phone. */
  perContactPerHour: 5,
} as const;

const HOUR = 3600;

/** Counts one request from this source address, or a 429 once its hour is spent. */
export const countJoinRequestFromIp = (db: Db, sourceIp: string, now: Date) =>
  spendRateLimit(
    db,
    { scope: "join-ip", subject: [sourceIp], seconds: HOUR, limit: JOIN_LIMITS.perIpPerHour },
    now,
  );

/** Counts one request naming this (normalised) contact at this merchant, or a 429 once its hour is spent. */
export const countJoinRequestForContact = (
  db: Db,
  merchantId: string,
  field: ContactField,
  value: string,
  now: Date,
) =>
  spendRateLimit(
    db,
    {
      scope: "join-contact",
      subject: [merchantId, field, value],
      seconds: HOUR,
      limit: JOIN_LIMITS.perContactPerHour,
    },
    now,
  );

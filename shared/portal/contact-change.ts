import { AWS_UNAVAILABLE_RETRY_AFTER_SECONDS } from "../budgets.ts";
import type { Clock } from "../clock.ts";
import type { ContactField } from "../customers/contact.ts";
import { updateCustomer } from "../customers/update.ts";
import { conflict, UnavailableError, ValidationError } from "../errors.ts";
import { logger } from "../logger.ts";
import type { Customer } from "../model.ts";
import { type Mailer, MailerError } from "../notifications/mailer.ts";
import { SmsError, type SmsSender } from "../notifications/sms-sender.ts";
import {
  confirmItem,
  markConfirmed,
  type PendingContactChange,
  readPendingChange,
  replacePendingChange,
} from "../store/customers/contact-changes.ts";
import { readPortalVersion } from "../store/customers/portal-access.ts";
import type { Db } from "../store/db/client.ts";
import { confirmationEmail, confirmationSms, FIELD_NAMES } from "./contact-change-message.ts";
import {
  type ContactChangeToken,
  confirmationUrl,
  formatToken,
  newSecret,
  parseToken,
  secretHash,
  secretMatches,
} from "./contact-change-token.ts";

/**
 * A contact change made from the portal is verified before it applies: the new address gets a link, and
 * only opening it moves the address onto the membership. Asking never looks at whether another member
 * holds the address, so every answer to it is the same whoever holds it: the portal cannot be used to
 * find out who is a member. Whether the address is free is first checked when its owner confirms; they
 * may learn then that it could not be added, which tells them nothing about an address they do not own.
 */

/** How to reach a new address; a deployment without one cannot change that field from the portal. */
export interface ContactChannels {
  mailer?: Mailer;
  sms?: SmsSender;
}

export interface ContactChangeDeps {
  db: Db;
  clock: Clock;
  channels: ContactChannels;
}

/** The audit trail names the customer for every change made through the portal. */
export const SELF_SERVICE = "customer";

export const LINK_VALID_HOURS = 24;
/** Links per customer and field in a day (failed sends included): enough for typos, too few for spam. */
export const MAX_LINKS_PER_DAY = 5;
const DAY_MS = 24 * 3600 * 1000;

/** A 400 for a field this deployment has no way to verify; the same whatever address was given. */
export function requireChannel(channels: ContactChannels, field: ContactField): void {
  const reachable = field === "email" ? channels.mailer : channels.sms;
  if (!reachable) {
    throw ValidationError.field(
      field,
      `cannot be changed from the portal: this shop sends no ${field === "email" ? "email" : "text messages"} to confirm a new one; ask the shop`,
    );
  }
}

export interface ContactChangeRequest {
  merchantId: string;
  customerId: string;
  merchantName: string;
  locale: Customer["locale"];
  field: ContactField;
  /** Normalised, and different from the customer's current one. */
  value: string;
  apiBaseUrl: string;
}

/** Records the pending change (replacing an earlier one for the field) and sends its link to the new address. */
export async function requestContactChange(
  deps: ContactChangeDeps,
  request: ContactChangeRequest,
): Promise<{ expiresAt: string }> {
  const { db } = deps;
  const { merchantId, customerId, field } = request;
  requireChannel(deps.channels, field);
  const now = deps.clock();
  const [previous, version] = await Promise.all([
    readPendingChange(db, merchantId, customerId, field),
    readPortalVersion(db, merchantId, customerId),
  ]);
  const inWindow = previous !== undefined && now.getTime() - Date.parse(previous.windowStart) < DAY_MS;
  if (inWindow && previous.links >= MAX_LINKS_PER_DAY) {
    throw conflict(
      `Too many confirmation links were asked for this ${FIELD_NAMES[field]} today; try again tomorrow.`,
    );
  }
  const secret = newSecret();
  const expiresAt = new Date(now.getTime() + LINK_VALID_HOURS * 3600 * 1000).toISOString();
  const change: PendingContactChange = {
    field,
    value: request.value,
    tokenHash: secretHash(secret),
    portalVersion: version,
    requestedAt: now.toISOString(),
    expiresAt,
    windowStart: inWindow ? previous.windowStart : now.toISOString(),
    links: inWindow ? previous.links + 1 : 1,
  };
  if (!(await replacePendingChange(db, merchantId, customerId, change, previous))) {
    throw conflict("Another change was asked for at the same time; reload and retry.");
  }
  const link = confirmationUrl(request.apiBaseUrl, formatToken({ merchantId, customerId, field, secret }));
  await sendLink(deps.channels, request, link);
  logger.info("contact change link sent", { merchantId, customerId, field });
  return { expiresAt };
}

async function sendLink(channels: ContactChannels, request: ContactChangeRequest, link: string) {
  const context = {
    locale: request.locale,
    merchantName: request.merchantName,
    link,
    validHours: LINK_VALID_HOURS,
  };
  try {
    if (request.field === "email") {
      await channels.mailer?.send({
        to: request.value,
        fromName: request.merchantName,
        ...confirmationEmail(context),
        tags: { purpose: "contact_change", merchant: request.merchantId, customer: request.customerId },
      });
    } else {
      await channels.sms?.send({ to: request.value, text: confirmationSms(context) });
    }
  } catch (error) {
    if (!(error instanceof MailerError || error instanceof SmsError)) throw error;
    logger.warn("contact change link not sent", {
      merchantId: request.merchantId,
      customerId: request.customerId,
      field: request.field,
      errorName: error.code,
    });
    if (error.rejected) {
      throw ValidationError.field(request.field, "cannot receive our messages; check it");
    }
    throw new UnavailableError(
      "The confirmation could not be sent; retry shortly.",
      AWS_UNAVAILABLE_RETRY_AFTER_SECONDS,
    );
  }
}

export interface ConfirmedChange {
  confirmed: Partial<Record<ContactField, string>>;
  message: string;
}

const INVALID_LINK = "is not valid: it was replaced by a newer request, or the portal links were revoked";

const invalidLink = () => ValidationError.field("token", INVALID_LINK);

/** Says no more than "not done": the recipient owns the address, and learns nothing of who else uses it. */
const notApplied = () =>
  conflict("This change could not be made. Ask the shop for help if you still want it.");

const answer = (change: PendingContactChange): ConfirmedChange => ({
  confirmed: { [change.field]: change.value },
  message: `The ${FIELD_NAMES[change.field]} ${change.value} is now on the loyalty card.`,
});

/** The change of the token, if the token is one of ours, current and not expired. */
async function liveChange(
  deps: { db: Db; clock: Clock },
  token: ContactChangeToken,
): Promise<PendingContactChange> {
  const change = await readPendingChange(deps.db, token.merchantId, token.customerId, token.field);
  if (!change || !secretMatches(token.secret, change.tokenHash)) throw invalidLink();
  if (deps.clock().getTime() >= Date.parse(change.expiresAt)) {
    throw ValidationError.field("token", "has expired: ask for the change again from the portal");
  }
  return change;
}

/** A condition failed inside the write: another confirmation got there first, or the address is taken. */
class Raced extends Error {}

/**
 * Applies the change of a confirmation link, through the same unique claim as any contact change.
 * Idempotent: confirming again gives the same answer and writes nothing. Until the link expires, a
 * confirmation that failed because the address was taken can be tried again, and writes nothing either.
 */
export async function confirmContactChange(
  deps: { db: Db; clock: Clock },
  tokenText: string,
): Promise<ConfirmedChange> {
  const token = parseToken(tokenText);
  if (!token) throw invalidLink();
  const { merchantId, customerId } = token;
  const change = await liveChange(deps, token);
  if (change.confirmedAt) return answer(change);
  // Revoking the portal links (a lost phone) also kills the changes asked for with them.
  if ((await readPortalVersion(deps.db, merchantId, customerId)) !== change.portalVersion)
    throw invalidLink();
  const now = deps.clock().toISOString();
  try {
    const { changed } = await updateCustomer(
      deps,
      merchantId,
      customerId,
      SELF_SERVICE,
      { [change.field]: change.value },
      {
        alsoWrite: [confirmItem(deps.db, merchantId, customerId, change, now)],
        onAlsoWriteFailed: () => new Raced(),
        // A claim held by anyone, this very customer included after a concurrent confirmation.
        contactTaken: () => new Raced(),
      },
    );
    // Nothing to write on the profile (the shop set the same address meanwhile): the link is used all the same.
    if (changed.length === 0 && !(await markConfirmed(deps.db, merchantId, customerId, change, now))) {
      throw new Raced();
    }
  } catch (error) {
    if (!(error instanceof Raced)) throw error;
    // Another confirmation of this link won, or the address is someone else's.
    const latest = await liveChange(deps, token);
    if (latest.confirmedAt) return answer(latest);
    throw notApplied();
  }
  logger.info("contact change confirmed", { merchantId, customerId, field: change.field });
  return answer(change);
}

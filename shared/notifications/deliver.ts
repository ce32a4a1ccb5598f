import type { Clock } from "../clock.ts";
import { logger } from "../logger.ts";
import { getMerchant } from "../merchants/directory.ts";
import { momentEnabled } from "../merchants/settings.ts";
import type { Customer, Merchant } from "../model.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { claimRecord, finishRecord, skipRecord } from "../store/notifications/deliveries.ts";
import { emailBounced, emailReach, markEmailBounced } from "./email-status.ts";
import { type Mailer, MailerError } from "./mailer.ts";
import { type Notification, needsWalletMessage } from "./moments.ts";
import {
  type AttemptResult,
  type ChannelOutcome,
  type ChannelOutcomes,
  MAX_ATTEMPTS,
  type NotificationStatus,
} from "./records.ts";
import { type MessageContext, renderEmail, renderWalletMessage } from "./templates.ts";
import type { PassMessageResult } from "./wallet-message.ts";
import { emailConsent, type MemberLinks } from "./welcome.ts";

export interface NotificationDeps {
  db: Db;
  clock: Clock;
  /** Absent when this deployment has no sender address (shared/notifications/config.ts). */
  mailer?: Mailer;
  /**
   * The member's one-click unsubscribe URL (shared/portal/unsubscribe-token.ts), put in every Moment
   * e-mail's List-Unsubscribe header and footer: each is optional, sent only with consent. Absent where
   * the API's public URL is unknown (some tests); the handler always has it on AWS.
   */
  unsubscribeUrl?: (member: { merchantId: string; customerId: string }) => Promise<string>;
  /**
   * The member's wallet links and portal link, for the Welcome e-mail (passes/download-links.ts,
   * shared/portal/access.ts). Absent where the API's public URL is unknown: the welcome is then not sent.
   */
  memberLinks?: (customer: Customer) => Promise<MemberLinks>;
  /** A message on the member's Google pass (passes/pass-messages.ts); absent without Google Wallet. */
  googleMessage?: (
    serialNumber: string,
    message: { id: string; header: string; body: string },
  ) => Promise<PassMessageResult>;
}

/** A delivery that failed and is to be tried again: its stream record is reported as failed. Ids only. */
export class NotificationRetry extends Error {
  override readonly name = "NotificationRetry";
}

/** The code of a failure, for the record and the logs: an error's name or code, never its message. */
function errorCode(error: unknown): string {
  if (error instanceof MailerError) return error.code;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === "string") return code;
  return typeof name === "string" ? name : "Error";
}

/**
 * What an attempt comes to. Any failure worth retrying makes it `failed` (or `dead` on the last attempt),
 * even when another channel got through: only the channels not yet sent are tried again.
 */
export function settle(channels: ChannelOutcomes, attempts: number, error?: string): AttemptResult {
  const outcomes = Object.values(channels);
  const failure = error ?? outcomes.find((o) => o.status === "failed")?.reason;
  if (error !== undefined || outcomes.some((o) => o.status === "failed")) {
    return { status: attempts >= MAX_ATTEMPTS ? "dead" : "failed", channels, lastError: failure ?? "Error" };
  }
  if (outcomes.some((o) => o.status === "sent")) return { status: "sent", channels };
  const rejected = outcomes.find((o) => o.status === "rejected");
  if (rejected) return { status: "dead", channels, lastError: rejected.reason ?? "rejected" };
  return { status: "skipped", channels, reason: "no_channel" };
}

/** Why a notification has nothing left to say by the time it is delivered, if so. */
function mootReason(n: Notification, customer: Customer): string | undefined {
  // A reminder that the whole balance will expire, once the balance was spent.
  if (n.facts.moment === "points_expiring" && n.facts.points === undefined && customer.balance <= 0) {
    return "nothing_to_expire";
  }
  return undefined;
}

// Google message ids are ours to choose; the dedupe key keeps one message per notification.
const walletMessageId = (dedupeKey: string) => dedupeKey.replace(/[^A-Za-z0-9_.-]/g, "_");

const settled = (outcome: ChannelOutcome | undefined) =>
  outcome?.status === "sent" || outcome?.status === "rejected";

async function sendEmail(
  deps: NotificationDeps,
  n: Notification,
  customer: Customer,
  context: MessageContext,
): Promise<ChannelOutcome> {
  if (!deps.mailer) return { status: "skipped", reason: "not_configured" };
  const consent = emailConsent(n.facts.moment, customer);
  const reach = emailReach(customer, await emailBounced(deps.db, customer), consent.consented);
  if (reach !== "ok" || !customer.email) return { status: "skipped", reason: reach };
  const welcome = n.facts.moment === "welcome";
  // A welcome without the card's links would say nothing.
  if (welcome && !deps.memberLinks) return { status: "skipped", reason: "not_configured" };
  try {
    const links = welcome ? await deps.memberLinks?.(customer) : undefined;
    const unsubscribeUrl = consent.optional
      ? await deps.unsubscribeUrl?.({ merchantId: n.merchantId, customerId: n.customerId })
      : undefined;
    await deps.mailer.send({
      to: customer.email,
      fromName: context.merchantName,
      ...renderEmail(n.facts, { ...context, ...(links ? { links } : {}) }, unsubscribeUrl),
      tags: { moment: n.facts.moment, merchant: n.merchantId, customer: n.customerId },
      ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
    });
    return { status: "sent" };
  } catch (error) {
    if (!(error instanceof MailerError)) return { status: "failed", reason: errorCode(error) };
    if (!error.rejected) return { status: "failed", reason: error.code };
    await markEmailBounced(deps.db, customer, error.code, deps.clock());
    return { status: "rejected", reason: error.code };
  }
}

async function sendWalletMessage(
  deps: NotificationDeps,
  n: Notification,
  customer: Customer,
  context: MessageContext,
): Promise<ChannelOutcome> {
  if (!deps.googleMessage) return { status: "skipped", reason: "not_configured" };
  try {
    const result = await deps.googleMessage(customer.passSerial, {
      id: walletMessageId(n.dedupeKey),
      ...renderWalletMessage(n.facts, context),
    });
    return result === "no_pass"
      ? { status: "skipped", reason: "no_pass" }
      : { status: "sent", notified: result === "notified" };
  } catch (error) {
    return { status: "failed", reason: errorCode(error) };
  }
}

/**
 * Email for every Moment; a Google pass message for those that leave the balance unchanged (the others
 * reach both wallets through the pass update the balance change makes). Channels that went out on an
 * earlier attempt are not sent again.
 */
async function sendChannels(
  deps: NotificationDeps,
  n: Notification,
  merchant: Merchant,
  customer: Customer,
  channels: ChannelOutcomes,
): Promise<void> {
  const context: MessageContext = {
    locale: customer.locale,
    merchantName: merchant.name,
    customerName: customer.name,
    balance: customer.balance,
  };
  if (!settled(channels.email)) channels.email = await sendEmail(deps, n, customer, context);
  if (needsWalletMessage(n.facts) && !settled(channels.google_wallet)) {
    channels.google_wallet = await sendWalletMessage(deps, n, customer, context);
  }
}

/**
 * Delivers one notification at most once: skipped when the merchant switched its Moment off; otherwise
 * claimed (a conditional write), sent, and its outcome recorded. Throws NotificationRetry when it failed
 * and has attempts left, so that the stream delivers its record again. Returns the status it reached, or
 * undefined when it had been settled before.
 */
export async function deliverNotification(
  deps: NotificationDeps,
  n: Notification,
): Promise<NotificationStatus | undefined> {
  const { db } = deps;
  const ids = {
    dedupeKey: n.dedupeKey,
    moment: n.facts.moment,
    merchantId: n.merchantId,
    customerId: n.customerId,
  };
  const merchant = await getMerchant(db, n.merchantId);
  if (!merchant || !momentEnabled(merchant, n.facts.moment)) {
    await skipRecord(db, n, merchant ? "switched_off" : "no_merchant", deps.clock());
    return "skipped";
  }
  const claimed = await claimRecord(db, n, deps.clock());
  if (!claimed) return undefined;

  // Filled in as channels go out, so that what was sent before an error is recorded with it.
  const channels: ChannelOutcomes = { ...claimed.channels };
  let result: AttemptResult;
  try {
    const customer = await readCustomer(db, n.merchantId, n.customerId);
    const moot = customer ? mootReason(n, customer) : "no_customer";
    if (customer && !moot) await sendChannels(deps, n, merchant, customer, channels);
    result = moot ? { status: "skipped", channels, reason: moot } : settle(channels, claimed.attempts);
  } catch (error) {
    result = settle(channels, claimed.attempts, errorCode(error));
  }
  await finishRecord(db, n, claimed.attempts, result, deps.clock());

  if (result.status === "failed" || result.status === "dead") {
    const attributes = { ...ids, attempt: claimed.attempts, error: result.lastError };
    if (result.status === "dead") logger.error("notification given up", attributes);
    else logger.warn("notification failed; the stream delivers it again", attributes);
  }
  if (result.status === "failed") {
    throw new NotificationRetry(
      `notification ${n.dedupeKey} failed (${result.lastError}); attempt ${claimed.attempts}`,
    );
  }
  return result.status;
}

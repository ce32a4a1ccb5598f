import type { Clock } from "../shared/clock.ts";
import { logger } from "../shared/logger.ts";
import type { Merchant } from "../shared/model.ts";
import type { Db } from "../shared/store/db/client.ts";
import { forgetPushTokens, listPassDevices, removeStaleRegistration } from "../shared/store/pass-devices.ts";
import { bumpPass, markDelivered, type PassRecord, readPass } from "../shared/store/passes.ts";
import type { ApnsClient } from "./apple/apns/client.ts";
import { GoogleWalletError } from "./google/errors.ts";
import { decideNotify } from "./google/notify-quota.ts";
import type { GoogleWalletClient } from "./google/wallet-client.ts";
import {
  googleIds,
  googleLoyaltyClass,
  googleLoyaltyObject,
  googleObjectPatch,
  loadMemberPassContent,
  type MemberPassContent,
} from "./member-pass.ts";
import type { PassChange } from "./pass-changes.ts";

export interface PassDeliveryDeps {
  db: Db;
  clock: Clock;
  /** The pass's IANA zone (WalletConfig.timeZone): the day points expire on is that zone's. UTC without. */
  timeZone?: string;
  apple?: { passTypeIdentifier: string; apns: () => Promise<ApnsClient> };
  google?: { issuerId: string; programLogoUrl: string; client: () => Promise<GoogleWalletClient> };
}

/** A delivery that should be tried again (its records are reported as failed). Carries ids only. */
export class PassDeliveryError extends Error {
  override readonly name = "PassDeliveryError";
}

/**
 * Brings a pass's wallets up to date after a change: Apple (bump the update time, push to every
 * registered device) and Google (create the object, or patch it). Each channel records the stream
 * position it delivered, so a redelivered record, or a retry after the other channel failed, pushes
 * nothing twice.
 */
export async function deliverPassChange(deps: PassDeliveryDeps, change: PassChange): Promise<void> {
  const pass = await readPass(deps.db, change.serialNumber, true);
  if (!pass) {
    logger.warn("stream record for a pass without pointer", { serialNumber: change.serialNumber });
    return;
  }
  const failures: unknown[] = [];
  if (deps.apple && change.displayChanged && !deliveredUpTo(pass.appleSeq, change.seq)) {
    await deliverToApple(deps, deps.apple, pass, change).catch((error: unknown) => failures.push(error));
  }
  if (
    deps.google &&
    (change.created || change.displayChanged) &&
    !deliveredUpTo(pass.googleSeq, change.seq)
  ) {
    await deliverToGoogle(deps, deps.google, pass, change).catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
}

const deliveredUpTo = (delivered: string | undefined, seq: string) =>
  delivered !== undefined && delivered >= seq;

async function deliverToApple(
  deps: PassDeliveryDeps,
  apple: NonNullable<PassDeliveryDeps["apple"]>,
  pass: PassRecord,
  change: PassChange,
): Promise<void> {
  // The new update time is written before any push: a device that is told to look must see it.
  await bumpPass(deps.db, pass, deps.clock());
  const devices = await listPassDevices(deps.db, pass.serialNumber);
  if (devices.length > 0) {
    const apns = await apple.apns();
    const results = await Promise.all(
      devices.map(async (device) => ({
        device,
        result: await apns.push(device.pushToken, apple.passTypeIdentifier),
      })),
    );
    let retry = 0;
    for (const { device, result } of results) {
      if (result.status === "unregistered") {
        await removeStaleRegistration(deps.db, {
          ...device,
          passTypeIdentifier: apple.passTypeIdentifier,
          serialNumber: pass.serialNumber,
        });
      } else if (result.status === "failed" && (result.retryable || result.httpStatus === 403)) {
        // Busy, unreachable, or our credentials refused: worth another try. Another refusal (a payload
        // or topic APNs rejects) would only be refused again.
        retry += 1;
      }
    }
    if (retry > 0) {
      throw new PassDeliveryError(
        `APNs refused ${retry} of ${devices.length} pushes for ${pass.serialNumber}`,
      );
    }
  }
  await markDelivered(deps.db, pass.serialNumber, "apple", change.seq);
  // From the stream record's new image: the profile need not be read again for it.
  if (devices.length > 0 && change.erased) {
    // The void pass was pushed: the push tokens go. The device's side stays (it holds no token), so the
    // device can still ask which of its passes changed and fetch the void one.
    await forgetPushTokens(deps.db, pass.serialNumber, devices);
  }
}

// A class per merchant, created once per container; creating it again is harmless (an upsert).
const knownClasses = new Set<string>();

async function ensureClass(client: GoogleWalletClient, merchant: Merchant, classId: string, logoUrl: string) {
  if (knownClasses.has(classId)) return;
  await client.upsertLoyaltyClass(googleLoyaltyClass(merchant, classId, logoUrl));
  knownClasses.add(classId);
}

async function deliverToGoogle(
  deps: PassDeliveryDeps,
  google: NonNullable<PassDeliveryDeps["google"]>,
  pass: PassRecord,
  change: PassChange,
): Promise<void> {
  const now = deps.clock();
  const content = await loadMemberPassContent(deps.db, pass.merchantId, pass.customerId, {
    now,
    timeZone: deps.timeZone,
  });
  if (!content) return;
  const client = await google.client();
  const ids = googleIds(google.issuerId, pass.merchantId, pass.serialNumber);
  const create = async (members: MemberPassContent) => {
    await ensureClass(client, members.merchant, ids.classId, google.programLogoUrl);
    // Created silently: nobody holds it yet, and an upsert of a known object never notifies.
    await client.upsertLoyaltyObject(googleLoyaltyObject(members, ids));
  };
  if (!pass.googleObjectAt) {
    await create(content);
    await markDelivered(deps.db, pass.serialNumber, "google", change.seq, {
      googleObjectAt: now.toISOString(),
    });
    return;
  }
  const previous = pass.googleNotifiedAt ?? [];
  // A new balance or a new level is news (as Apple's changeMessage says it); other changes arrive silently.
  const decision =
    change.balanceChanged || change.tierChanged
      ? decideNotify(previous, now)
      : { notify: false, keep: previous };
  try {
    await client.patchLoyaltyObject(ids.objectId, googleObjectPatch(content), { notify: decision.notify });
  } catch (error) {
    if (!(error instanceof GoogleWalletError && error.code === "not_found")) throw error;
    await create(content);
  }
  await markDelivered(deps.db, pass.serialNumber, "google", change.seq, { googleNotifiedAt: decision.keep });
}

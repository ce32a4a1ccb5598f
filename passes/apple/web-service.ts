import { timingSafeEqual } from "node:crypto";
import type { Clock } from "../../shared/clock.ts";
import { notFound, unauthorized } from "../../shared/errors.ts";
import type { Customer } from "../../shared/model.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { listDevicePasses } from "../../shared/store/pass-devices.ts";
import { type PassRecord, readPass } from "../../shared/store/passes.ts";
import { applePassViewOf, loadApplePassContent } from "../member-pass.ts";
import type { ApplePassRenderer } from "./render-pass.ts";

/**
 * Apple's PassKit web service, as plain functions: the handlers under functions/apple-* parse the
 * request and map the results. Paths and statuses follow Apple's "PassKit Web Service Reference".
 */

export const PKPASS_TYPE = "application/vnd.apple.pkpass";

const APPLE_PASS_AUTH = /^ApplePass ([\x21-\x7e]{1,256})$/;
const NO_PASS = "A valid ApplePass authorization is required.";

export interface AuthenticatedPass {
  pass: PassRecord;
  customer: Customer;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The pass named in the path, if the `Authorization: ApplePass <token>` header carries its token.
 * Everything else (no header, another scheme, an unknown serial or pass type, a wrong token) is the
 * same 401, so the answer does not tell which serials exist.
 */
export async function authenticatePass(
  db: Db,
  expected: { passTypeIdentifier: string },
  request: { passTypeIdentifier: string; serialNumber: string; authorization: string | undefined },
): Promise<AuthenticatedPass> {
  const token = APPLE_PASS_AUTH.exec(request.authorization ?? "")?.[1];
  if (!token || request.passTypeIdentifier !== expected.passTypeIdentifier) throw unauthorized(NO_PASS);
  const found = await findPass(db, request.serialNumber);
  if (!found || !sameSecret(token, found.customer.passToken)) throw unauthorized(NO_PASS);
  return found;
}

/** A pass by serial with its member; for callers that authenticated the request another way (a signed link). */
export async function findPass(db: Db, serialNumber: string): Promise<AuthenticatedPass | undefined> {
  const pass = await readPass(db, serialNumber);
  const customer = pass && (await readCustomer(db, pass.merchantId, pass.customerId));
  return pass && customer ? { pass, customer } : undefined;
}

/** Devices send back the tags we gave them, epoch seconds; undefined for anything else. */
function tagValue(tag: string | undefined): number | undefined {
  return tag && /^\d{1,15}$/.test(tag) ? Number(tag) : undefined;
}

/**
 * The serials of a device's passes changed after `since`; undefined for "none" (204). Without a tag, or
 * with one that is not ours (a device that lost its state, a proxy mangling the query), every pass is
 * listed: a needless fetch costs less than a pass that never updates.
 */
export async function passesUpdatedSince(
  db: Db,
  request: { deviceLibraryIdentifier: string; passTypeIdentifier: string; passesUpdatedSince?: string },
): Promise<{ serialNumbers: string[]; lastUpdated: string } | undefined> {
  const since = tagValue(request.passesUpdatedSince);
  const passes = await listDevicePasses(db, request.deviceLibraryIdentifier, request.passTypeIdentifier);
  const changed = passes.filter((pass) => since === undefined || (tagValue(pass.updateTag) ?? 0) > since);
  if (changed.length === 0) return undefined;
  const lastUpdated = Math.max(...changed.map((pass) => tagValue(pass.updateTag) ?? 0));
  // A string: devices that receive a number skip the fetch (Apple developer forums thread 694992).
  return { serialNumbers: changed.map((pass) => pass.serialNumber).sort(), lastUpdated: String(lastUpdated) };
}

const wholeSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * When the pass last changed: its update time, or (never changed since enrolment) the enrolment, to the
 * second. After rapid updates it can be a few seconds ahead of the clock (each update moves it at least
 * one second on, see nextUpdateTime), so it is what If-Modified-Since is compared with, not what
 * Last-Modified says.
 */
export function passChangedAt({ pass, customer }: AuthenticatedPass): Date {
  return new Date(wholeSeconds(Date.parse(pass.updatedAt ?? customer.createdAt)));
}

/**
 * The pass's Last-Modified: its change time, but never later than `now`, since HTTP forbids a
 * Last-Modified after the response's Date (RFC 9110 §8.8.2.1). A copy fetched while the change time was
 * still ahead is then dated before it, so the device's next If-Modified-Since fetches it again (a 200
 * for an unchanged pass, at worst) instead of keeping a copy older than the latest change.
 */
export function passLastModified(pass: AuthenticatedPass, now: Date): Date {
  return new Date(Math.min(passChangedAt(pass).getTime(), wholeSeconds(now.getTime())));
}

/** HTTP's If-Modified-Since: true when the client's copy is at least as new as the pass's change time (a 304). */
export function notModifiedSince(changedAt: Date, ifModifiedSince: string | undefined): boolean {
  if (!ifModifiedSince) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && changedAt.getTime() <= since;
}

/**
 * The signed .pkpass as the pass stands now; with `portalBaseUrl` (the API's), it links to the portal.
 * `timeZone` is the pass's (WalletConfig.timeZone), as the renderer's.
 */
export async function renderMemberPass(
  deps: {
    db: Db;
    clock: Clock;
    renderer: () => Promise<ApplePassRenderer>;
    portalBaseUrl?: string;
    timeZone?: string;
  },
  pass: AuthenticatedPass,
): Promise<Buffer> {
  const [content, renderer] = await Promise.all([
    loadApplePassContent(deps.db, pass.pass.merchantId, pass.pass.customerId, {
      now: deps.clock(),
      customer: pass.customer,
      portalBaseUrl: deps.portalBaseUrl,
      timeZone: deps.timeZone,
    }),
    deps.renderer(),
  ]);
  if (!content) throw notFound("Pass");
  const view = applePassViewOf(content, passLastModified(pass, deps.clock()).toISOString());
  return (await renderer.render(view)).pkpass;
}

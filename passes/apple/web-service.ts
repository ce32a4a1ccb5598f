import { timingSafeEqual } from "node:crypto";
import type { Clock } from "../../shared/clock.ts";
import type { Db } from "../../shared/db/client.ts";
import { notFound, unauthorized } from "../../shared/errors.ts";
import { readCustomer } from "../../shared/ledger/append.ts";
import type { Customer } from "../../shared/model.ts";
import { applePassViewOf, loadApplePassContent } from "../member-pass.ts";
import { type PassRecord, readPass } from "../pass-records.ts";
import { listDevicePasses } from "./registrations.ts";
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

/** Devices compare tags as opaque strings they got from us; ours are epoch seconds. Anything else counts as "never". */
function tagValue(tag: string | undefined): number {
  return tag && /^\d{1,15}$/.test(tag) ? Number(tag) : 0;
}

/** The serials of a device's passes changed after `since` (all of them without it); undefined for "none" (204). */
export async function passesUpdatedSince(
  db: Db,
  request: { deviceLibraryIdentifier: string; passTypeIdentifier: string; passesUpdatedSince?: string },
): Promise<{ serialNumbers: string[]; lastUpdated: string } | undefined> {
  const since = request.passesUpdatedSince === undefined ? -1 : tagValue(request.passesUpdatedSince);
  const passes = await listDevicePasses(db, request.deviceLibraryIdentifier, request.passTypeIdentifier);
  const changed = passes.filter((pass) => tagValue(pass.updateTag) > since);
  if (changed.length === 0) return undefined;
  const lastUpdated = Math.max(...changed.map((pass) => tagValue(pass.updateTag)));
  // A string: devices that receive a number skip the fetch (Apple developer forums thread 694992).
  return { serialNumbers: changed.map((pass) => pass.serialNumber).sort(), lastUpdated: String(lastUpdated) };
}

/** When the pass last changed: its update time, or (never changed since enrolment) the enrolment, to the second. */
export function passLastModified({ pass, customer }: AuthenticatedPass): Date {
  const at = pass.updatedAt ?? customer.createdAt;
  return new Date(Math.floor(Date.parse(at) / 1000) * 1000);
}

/** HTTP's If-Modified-Since: true when the client's copy is at least as new as the pass (a 304). */
export function notModifiedSince(lastModified: Date, ifModifiedSince: string | undefined): boolean {
  if (!ifModifiedSince) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && lastModified.getTime() <= since;
}

/** The signed .pkpass as the pass stands now; with `portalBaseUrl` (the API's), it links to the portal. */
export async function renderMemberPass(
  deps: { db: Db; clock: Clock; renderer: () => Promise<ApplePassRenderer>; portalBaseUrl?: string },
  pass: AuthenticatedPass,
): Promise<Buffer> {
  const [content, renderer] = await Promise.all([
    loadApplePassContent(deps.db, pass.pass.merchantId, pass.pass.customerId, {
      now: deps.clock(),
      customer: pass.customer,
      portalBaseUrl: deps.portalBaseUrl,
    }),
    deps.renderer(),
  ]);
  if (!content) throw notFound("Pass");
  const view = applePassViewOf(content, passLastModified(pass).toISOString());
  return (await renderer.render(view)).pkpass;
}

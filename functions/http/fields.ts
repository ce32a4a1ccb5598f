import * as z from "zod";
import { MAX_MANUAL_POINTS } from "../../shared/bounds.ts";
import { text, withTextRule } from "../../shared/text.ts";

/**
 * The building blocks of every route's body, query and path schema: each string a route accepts is one
 * of these, so what a field may hold is decided here once (test/unit/http/route-schemas.test.ts walks
 * every route's schemas to hold it). Domain limits that depend on the merchant (its maximum purchase,
 * its currency) are checked by the domain, in shared/bounds.ts.
 */

/** Free text: trimmed, bounded, and without lone surrogates, control or bidi characters (shared/text.ts). */
export { text };

/**
 * A string of a fixed shape. Its pattern alone would refuse a forbidden character too, but the text rule
 * runs first so that the 400 names the character, as for any other field.
 */
const shaped = (pattern: RegExp, message: string) => withTextRule(z.string()).regex(pattern, message);

/** Ids of a merchant's records: no "#" or "/", so an id can never reach into another item's key. */
export const RecordId = shaped(/^[A-Za-z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, _ or -");

/** What a scanner read from a pass: printable ASCII, as every barcode this API issues is. */
export const Barcode = shaped(/^[\x21-\x7E]{1,128}$/, "must be 1 to 128 printable ASCII characters");

/** A token only this API or Apple reads back (a signature, an update tag): printable ASCII, bounded. */
export const opaqueToken = (max: number) =>
  shaped(new RegExp(`^[\\x21-\\x7E]{0,${max}}$`), `must be at most ${max} printable ASCII characters`);

/** A page cursor as this API hands them out: base64url (shared/pagination.ts). */
export const Cursor = (max: number) =>
  shaped(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`), "is not a cursor returned by this API");

/**
 * A money amount as a decimal string: at most 12 digits before the point and 4 after, so it is exact,
 * fits every currency's minor units (the domain checks the currency's own) and every merchant maximum.
 */
export const DecimalAmount = shaped(
  /^\d{1,12}(\.\d{1,4})?$/,
  "must be a decimal number such as 23.40 (at most 12 digits, 4 decimals)",
);

/** An amount above zero, e.g. a limit. */
export const PositiveAmount = DecimalAmount.refine(
  (value) => /[1-9]/.test(value),
  "must be greater than zero",
);

/** An ISO 4217 code's shape; the domain checks that the currency exists and is the program's. */
export const CurrencyCode = shaped(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR");

/** Integer points within stated bounds (shared/bounds.ts); never a float, never a string. */
export const points = (min: number, max: number) =>
  z
    .number({ error: "must be a whole number of points" })
    .int("must be a whole number of points")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** Points issued or deducted by hand: not zero, at most MAX_MANUAL_POINTS either way. */
export const ManualPoints = points(-MAX_MANUAL_POINTS, MAX_MANUAL_POINTS).refine(
  (n) => n !== 0,
  "must not be zero",
);

/**
 * Instants are taken between these: anything else is a typo (a year 20225) or a clock at zero (1970),
 * and would sort before or after every real entry. The domain narrows further (shared/bounds.ts).
 */
export const EARLIEST_INSTANT = "2000-01-01T00:00:00.000Z";
export const LATEST_INSTANT = "2100-01-01T00:00:00.000Z";
const inRange = (value: string) => {
  const at = Date.parse(value);
  return at >= Date.parse(EARLIEST_INSTANT) && at < Date.parse(LATEST_INSTANT);
};
const RANGE_MESSAGE = `must be between ${EARLIEST_INSTANT.slice(0, 10)} and ${LATEST_INSTANT.slice(0, 10)}`;

/** An ISO 8601 date and time with its offset ("2026-05-01T10:30:00+02:00"), within the sane range. */
export const Instant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date and time with an offset" })
  .refine(inRange, RANGE_MESSAGE);

/**
 * A query filter bound: a date and time, or a date (UTC midnight); given back as ISO 8601 in UTC. Not held
 * to the sane range: it is never stored, and a bound far off simply matches nothing (or everything).
 */
export const InstantOrDate = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((value) => new Date(value).toISOString());

/** An e-mail address as the staff and branding fields take it (ASCII, so no forbidden character fits). */
export const Email = z.email("is not a valid email address").max(254);

/**
 * A public web page of the merchant: https only, and no character a text field would refuse, checked
 * first: the URL check alone would quietly drop a tab or a line break.
 */
export const HttpsUrl = (max: number) =>
  withTextRule(z.string()).pipe(z.url({ protocol: /^https$/, error: "must be an https URL" }).max(max));

/** A line of a device's log (POST /apple/v1/log); only logged, truncated, but held to the same rule. */
export const DeviceLogLine = text(10_000, { min: 0 });

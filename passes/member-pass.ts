import { DomainError } from "../shared/errors.ts";
import { upcomingExpiries } from "../shared/expiry/upcoming.ts";
import { dateTimeFormat, numberFormat, pluralRules } from "../shared/intl-formats.ts";
import { describeRule, explainForMember, type Locale } from "../shared/ledger/entry-types.ts";
import { listEntries } from "../shared/ledger/read.ts";
import { getMerchant, listLocations, listPrograms, listRewards } from "../shared/merchants/directory.ts";
import type { Customer, LedgerEntry, Location, Merchant, Program, Reward } from "../shared/model.ts";
import { memberPortalUrl } from "../shared/portal/access.ts";
import { readCustomer } from "../shared/store/customers/profile.ts";
import type { Db } from "../shared/store/db/client.ts";
import { type TierProgressView, tierProgressIn } from "../shared/tiers/progress.ts";
import { MAX_RECENT_ENTRIES } from "./apple/pass-fields.ts";
import { passLabels } from "./apple/pass-labels.ts";
import type { ApplePassView } from "./apple/pass-view.ts";
import { googleAccountId } from "./google/account-id.ts";
import type { LoyaltyClass, LoyaltyObject, LoyaltyObjectPatch } from "./google/loyalty-types.ts";
import { loyaltyClassId, loyaltyObjectId } from "./google/object-id.ts";
import { type PassTier, tierProgressLines } from "./tier-text.ts";

/** Everything a member's pass shows, read from the table. */
export interface MemberPassContent {
  customer: Customer;
  merchant: Merchant;
  /** The programs some location earns with: a program no location uses earns nobody anything. */
  programs: Program[];
  rewards: Reward[];
  recentEntries: LedgerEntry[];
  /** The soonest points to expire, if any; `date` is the calendar day (YYYY-MM-DD) in the pass's time zone. */
  nextExpiry?: { points: number; date: string };
  /** The member's signed portal link; only the Apple pass shows it (`loadApplePassContent`). */
  portalUrl?: string;
  /**
   * The member's VIP standings as GET /v1/me shows them, from the profile and the programs already read
   * (no read of their own), each with its program's name; absent or empty without tiers.
   */
  tiers?: Array<TierProgressView & { programName: string }>;
}

// The Apple pass's colours where the merchant's branding (PATCH /v1/settings {"branding": …}) sets none. The
// Google class does not follow branding: it keeps this background (hexBackgroundColor) and the deployment's logo.
const DEFAULT_COLORS = {
  background: "rgb(32,44,57)",
  foreground: "rgb(255,255,255)",
  label: "rgb(190,200,210)",
};

const DESCRIPTION = {
  en: (merchant: string) => `${merchant} loyalty card`,
  fr: (merchant: string) => `Carte de fidélité ${merchant}`,
} as const;

/** The calendar day (YYYY-MM-DD) an instant falls on in an IANA zone. */
export function dayInZone(iso: string, timeZone: string): string {
  const parts = dateTimeFormat("en", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/**
 * `customer`, when the caller has just read it, saves reading it again. `timeZone` (the pass's, default
 * UTC) decides which day points expiring near midnight are shown to expire on.
 */
export async function loadMemberPassContent(
  db: Db,
  merchantId: string,
  customerId: string,
  options: { now: Date; customer?: Customer; timeZone?: string },
): Promise<MemberPassContent | undefined> {
  // One round trip: every read is independent (a pass fetch waits on all of them).
  const [customer, merchant, programs, locations, rewards, entries, expiries] = await Promise.all([
    options.customer ?? readCustomer(db, merchantId, customerId),
    getMerchant(db, merchantId),
    listPrograms(db, merchantId),
    listLocations(db, merchantId),
    listRewards(db, merchantId),
    // A member removed meanwhile is "no pass", not an error; anything else (throttling…) propagates.
    listEntries(db, merchantId, customerId, { limit: MAX_RECENT_ENTRIES }).catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === "not-found") return undefined;
      throw error;
    }),
    upcomingExpiries(db, merchantId, customerId, options.now),
  ]);
  if (!customer || !merchant || !entries) return undefined;
  const soonest = expiries[0];
  const tiers = memberTiers(programs, customer, options.now);
  return {
    customer,
    merchant,
    programs: programsInUse(programs, locations),
    rewards,
    recentEntries: entries.entries,
    ...(tiers.length > 0 ? { tiers } : {}),
    ...(soonest
      ? {
          nextExpiry: {
            points: soonest.points,
            date: dayInZone(soonest.expiresAt, options.timeZone ?? "UTC"),
          },
        }
      : {}),
  };
}

/**
 * The Apple pass's content: the member's data plus, with `portalBaseUrl`, a freshly signed portal link,
 * signed while the table is read. Apart from `loadMemberPassContent` so that the Google-only stream
 * consumer neither signs nor bundles the signing code.
 */
export async function loadApplePassContent(
  db: Db,
  merchantId: string,
  customerId: string,
  options: { now: Date; customer?: Customer; timeZone?: string; portalBaseUrl?: string },
): Promise<MemberPassContent | undefined> {
  const { portalBaseUrl, ...read } = options;
  const [content, portalUrl] = await Promise.all([
    loadMemberPassContent(db, merchantId, customerId, read),
    portalBaseUrl
      ? memberPortalUrl({ db, clock: () => options.now }, portalBaseUrl, { merchantId, customerId })
      : undefined,
  ]);
  // An erased member's links were revoked: the void pass must not carry a fresh one.
  return content && { ...content, ...(portalUrl && !content.customer.erasedAt ? { portalUrl } : {}) };
}

/**
 * The member's standings as GET /v1/me computes them (shared/tiers/progress.ts), from the programs already
 * listed: every program they have a standing in, used by a location or not, each with its name.
 */
export function memberTiers(programs: readonly Program[], customer: Customer, at: Date) {
  const names = new Map(programs.map((program) => [program.id, program.name]));
  return tierProgressIn(programs, customer, at).map((tier) => ({
    ...tier,
    programName: names.get(tier.programId) ?? "",
  }));
}

/** The programs at least one location earns with, in their listed order. */
export function programsInUse(programs: readonly Program[], locations: readonly Location[]): Program[] {
  const used = new Set(locations.map((location) => location.programId));
  return programs.filter((program) => used.has(program.id));
}

/** The cheapest active reward not reached yet; when every one is reached, the dearest (shown as available). */
export function nextReward(
  rewards: readonly Reward[],
  balance: number,
): { name: string; cost: number } | undefined {
  const active = rewards.filter((reward) => reward.status === "active").sort((a, b) => a.points - b.points);
  const target = active.find((reward) => reward.points > balance) ?? active.at(-1);
  return target ? { name: target.name, cost: target.points } : undefined;
}

/** Each program's rule, in the member's language: the pass's "How points work". */
function howPointsAreComputed(programs: readonly Program[], locale: Locale): string {
  return programs.map((program) => `${program.name}: ${describeRule(program.rule, locale)}`).join("\n");
}

/**
 * "23 pts expire on 1 Dec 2027" / "23 pts expirent le 1 déc. 2027": the Google pass always writes the
 * year (the Apple pass leaves out the current one). The day is already the pass zone's, so it is written
 * as a calendar date (at UTC, where it is that day).
 */
export function expiryText(nextExpiry: { points: number; date: string }, locale: Locale): string {
  const labels = passLabels[locale];
  const { points, date } = nextExpiry;
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) throw new TypeError(`nextExpiry.date is not an ISO date: ${date}`);
  const written = dateTimeFormat(labels.intlLocale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(day);
  const single = pluralRules(labels.intlLocale).select(points) === "one";
  const number = numberFormat(labels.intlLocale, { maximumFractionDigits: 0 }).format(points);
  return labels.pointsExpire(number, labels.pointUnit(single), written, single);
}

/** The newest entry, as the Apple pass's back lists entries: "+23 pts · <explanation>". */
function lastEntryLine(entries: readonly LedgerEntry[], locale: Locale): string | undefined {
  const newest = entries.reduce<LedgerEntry | undefined>(
    (latest, entry) => (!latest || entry.seq > latest.seq ? entry : latest),
    undefined,
  );
  if (!newest) return undefined;
  const labels = passLabels[locale];
  const signed = numberFormat(labels.intlLocale, { signDisplay: "exceptZero" }).format(newest.points);
  const single = pluralRules(labels.intlLocale).select(newest.points) === "one";
  return labels.entry(signed, labels.pointUnit(single), explainForMember(newest, locale));
}

/** The standings as a pass shows them: each program named when there are several. */
export function passTiersOf(content: MemberPassContent): PassTier[] {
  const tiers = content.tiers ?? [];
  return tiers.map((tier) => {
    const programName = tiers.length > 1 ? tier.programName : undefined;
    return {
      tier: tier.tier,
      next: tier.next,
      keptUntil: tier.keptUntil,
      pointsToKeep: tier.pointsToKeep,
      ...(programName ? { programName } : {}),
    };
  });
}

/** `updatedAt` is the pass's own update time, which is also its Last-Modified. */
export function applePassViewOf(content: MemberPassContent, updatedAt: string): ApplePassView {
  const { customer, merchant } = content;
  const reward = nextReward(content.rewards, customer.balance);
  return {
    serialNumber: customer.passSerial,
    authenticationToken: customer.passToken,
    barcode: customer.barcode,
    locale: customer.locale,
    organizationName: merchant.name,
    description: DESCRIPTION[customer.locale](merchant.name),
    colors: {
      background: merchant.branding?.backgroundColor ?? DEFAULT_COLORS.background,
      foreground: merchant.branding?.foregroundColor ?? DEFAULT_COLORS.foreground,
      label: merchant.branding?.labelColor ?? DEFAULT_COLORS.label,
    },
    ...(merchant.branding?.logoPngBase64
      ? { logoPng: Buffer.from(merchant.branding.logoPngBase64, "base64") }
      : {}),
    ...(merchant.branding?.contact ? { contact: merchant.branding.contact } : {}),
    memberName: customer.name,
    balance: customer.balance,
    ...(reward ? { nextReward: reward } : {}),
    ...(content.nextExpiry ? { nextExpiry: content.nextExpiry } : {}),
    ...(content.tiers?.length ? { tiers: passTiersOf(content) } : {}),
    recentEntries: content.recentEntries.map((entry) => ({
      createdAt: entry.createdAt,
      points: entry.points,
      explanation: explainForMember(entry, customer.locale),
    })),
    howPointsAreComputed: howPointsAreComputed(content.programs, customer.locale) || merchant.name,
    ...(content.portalUrl ? { portalUrl: content.portalUrl } : {}),
    ...(customer.erasedAt ? { voided: true as const } : {}),
    updatedAt,
  };
}

/** Google ids derive from the merchant and the pass serial, so a save link needs no lookup. */
export function googleIds(issuerId: string, merchantId: string, serialNumber: string) {
  return {
    classId: loyaltyClassId(issuerId, merchantId),
    objectId: loyaltyObjectId(issuerId, serialNumber),
  };
}

/** One loyalty class per merchant: a member's balance is merchant-wide, across its programs. */
export function googleLoyaltyClass(merchant: Merchant, classId: string, logoUrl: string): LoyaltyClass {
  return {
    id: classId,
    issuerName: merchant.name,
    programName: merchant.name,
    programLogo: { sourceUri: { uri: logoUrl } },
    reviewStatus: "UNDER_REVIEW",
    hexBackgroundColor: "#202c39",
  };
}

/**
 * What changes with the member's data: sent whole on creation, as a patch afterwards. Labels, the newest
 * entry and the rules as on the Apple pass, in the member's language.
 */
export function googleObjectPatch(content: MemberPassContent): LoyaltyObjectPatch {
  const { customer, nextExpiry } = content;
  const labels = passLabels[customer.locale];
  const reward = nextReward(content.rewards, customer.balance);
  const lastEntry = lastEntryLine(content.recentEntries, customer.locale);
  const rules = howPointsAreComputed(content.programs, customer.locale);
  const tiers = passTiersOf(content);
  const [front] = tiers;
  const tierModules = tiers.flatMap((tier, index) => {
    const lines = tierProgressLines(tier, customer.locale);
    const header = tier.programName ? `${labels.tierProgress} · ${tier.programName}` : labels.tierProgress;
    return lines.length > 0 ? [{ id: `tier${index + 1}`, header, body: lines.join("\n") }] : [];
  });
  return {
    // An erased member's object expires: Google Wallet moves it to "Expired passes" and stops showing it.
    state: customer.erasedAt ? "EXPIRED" : "ACTIVE",
    accountName: customer.name,
    loyaltyPoints: { label: labels.balance, balance: { int: customer.balance } },
    // Google shows it beside the balance: the level, as a string balance (LoyaltyPointsBalance.string).
    ...(front ? { secondaryLoyaltyPoints: { label: labels.tier, balance: { string: front.tier } } } : {}),
    textModulesData: [
      ...tierModules,
      { id: "nextReward", header: labels.nextReward, body: reward ? `${reward.name} (${reward.cost})` : "—" },
      ...(nextExpiry
        ? [{ id: "expiry", header: labels.expiringPoints, body: expiryText(nextExpiry, customer.locale) }]
        : []),
      ...(lastEntry ? [{ id: "lastEntry", header: labels.lastEntry, body: lastEntry }] : []),
      ...(rules ? [{ id: "howPointsWork", header: labels.howPointsWork, body: rules }] : []),
    ],
  };
}

export function googleLoyaltyObject(
  content: MemberPassContent,
  ids: { classId: string; objectId: string },
): LoyaltyObject {
  return {
    id: ids.objectId,
    classId: ids.classId,
    accountId: googleAccountId(content.customer.barcode),
    barcode: { type: "QR_CODE", value: content.customer.barcode, alternateText: content.customer.barcode },
    ...googleObjectPatch(content),
    state: content.customer.erasedAt ? "EXPIRED" : "ACTIVE",
  };
}

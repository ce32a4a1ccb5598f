import type { Db } from "../shared/db/client.ts";
import { DomainError } from "../shared/errors.ts";
import { upcomingExpiries } from "../shared/expiry/upcoming.ts";
import { readCustomer } from "../shared/ledger/append.ts";
import { listEntries } from "../shared/ledger/read.ts";
import { getMerchant, listPrograms, listRewards } from "../shared/merchants/directory.ts";
import type { Customer, LedgerEntry, Merchant, Program, Reward } from "../shared/model.ts";
import { memberPortalUrl } from "../shared/portal/access.ts";
import { describeRule } from "../shared/programs/rules.ts";
import { MAX_RECENT_ENTRIES } from "./apple/pass-fields.ts";
import { passLabels } from "./apple/pass-labels.ts";
import type { ApplePassView } from "./apple/pass-view.ts";
import type { LoyaltyClass, LoyaltyObject, LoyaltyObjectPatch } from "./google/loyalty-types.ts";
import { loyaltyClassId, loyaltyObjectId } from "./google/object-id.ts";

/** Everything a member's pass shows, read from the table. */
export interface MemberPassContent {
  customer: Customer;
  merchant: Merchant;
  programs: Program[];
  rewards: Reward[];
  recentEntries: LedgerEntry[];
  /** The soonest points to expire, if any. */
  nextExpiry?: { points: number; date: string };
  /** The member's signed portal link; only the Apple pass shows it (`loadApplePassContent`). */
  portalUrl?: string;
}

// Merchant settings have no branding yet; these are the product's default colours.
const DEFAULT_COLORS = {
  background: "rgb(32,44,57)",
  foreground: "rgb(255,255,255)",
  label: "rgb(190,200,210)",
};

const DESCRIPTION = {
  en: (merchant: string) => `${merchant} loyalty card`,
  fr: (merchant: string) => `Carte de fidélité ${merchant}`,
} as const;

/** `customer`, when the caller has just read it, saves reading it again. */
export async function loadMemberPassContent(
  db: Db,
  merchantId: string,
  customerId: string,
  options: { now: Date; customer?: Customer },
): Promise<MemberPassContent | undefined> {
  // One round trip: every read is independent (a pass fetch waits on all of them).
  const [customer, merchant, programs, rewards, entries, expiries] = await Promise.all([
    options.customer ?? readCustomer(db, merchantId, customerId),
    getMerchant(db, merchantId),
    listPrograms(db, merchantId),
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
  return {
    customer,
    merchant,
    programs,
    rewards,
    recentEntries: entries.entries,
    ...(soonest ? { nextExpiry: { points: soonest.points, date: soonest.expiresAt.slice(0, 10) } } : {}),
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
  options: { now: Date; customer?: Customer; portalBaseUrl?: string },
): Promise<MemberPassContent | undefined> {
  const { portalBaseUrl, ...read } = options;
  const [content, portalUrl] = await Promise.all([
    loadMemberPassContent(db, merchantId, customerId, read),
    portalBaseUrl
      ? memberPortalUrl({ db, clock: () => options.now }, portalBaseUrl, { merchantId, customerId })
      : undefined,
  ]);
  return content && { ...content, ...(portalUrl ? { portalUrl } : {}) };
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

function howPointsAreComputed(programs: readonly Program[]): string {
  return programs.map((program) => `${program.name}: ${describeRule(program.rule)}`).join("\n");
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
    recentEntries: content.recentEntries.map((entry) => ({
      createdAt: entry.createdAt,
      points: entry.points,
      explanation: entry.explanation,
    })),
    howPointsAreComputed: howPointsAreComputed(content.programs) || merchant.name,
    ...(content.portalUrl ? { portalUrl: content.portalUrl } : {}),
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

/** What changes with the member's data: sent whole on creation, as a patch afterwards. Labels as on the Apple pass. */
export function googleObjectPatch(content: MemberPassContent): LoyaltyObjectPatch {
  const { customer, nextExpiry } = content;
  const labels = passLabels[customer.locale];
  const reward = nextReward(content.rewards, customer.balance);
  return {
    state: "ACTIVE",
    accountName: customer.name,
    loyaltyPoints: { label: labels.balance, balance: { int: customer.balance } },
    textModulesData: [
      { id: "nextReward", header: labels.nextReward, body: reward ? `${reward.name} (${reward.cost})` : "—" },
      ...(nextExpiry
        ? [{ id: "expiry", header: labels.expiringPoints, body: `${nextExpiry.points} · ${nextExpiry.date}` }]
        : []),
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
    accountId: content.customer.id,
    barcode: { type: "QR_CODE", value: content.customer.barcode, alternateText: content.customer.barcode },
    ...googleObjectPatch(content),
    state: "ACTIVE",
  };
}

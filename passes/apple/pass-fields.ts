import type { PKPass } from "passkit-generator";
import { dateTimeFormat, numberFormat, pluralRules } from "../../shared/intl-formats.ts";
import { escapeMarkup } from "../../shared/markup.ts";
import { tierProgressLines } from "../tier-text.ts";
import { type PassLabels, passLabels } from "./pass-labels.ts";
import type { ApplePassView } from "./pass-view.ts";

export type PassField = PKPass["backFields"][number];

export interface PassFields {
  primaryFields: PassField[];
  secondaryFields: PassField[];
  auxiliaryFields: PassField[];
  backFields: PassField[];
}

/** Wallet has room for a short history only; older entries stay in the member portal. */
export const MAX_RECENT_ENTRIES = 5;

/**
 * Lays the view out on a storeCard. Text is formatted here, in the pass's locale, because Wallet
 * shows string values as they are; dates of entries use `timeZone` (the merchant's) so an evening
 * purchase does not show the next day's date.
 */
export function buildPassFields(view: ApplePassView, timeZone = "UTC"): PassFields {
  const labels = passLabels[view.locale];
  const text = formatters(labels, timeZone);
  assertInteger("balance", view.balance);

  const secondaryFields: PassField[] = [{ key: "member", label: labels.member, value: view.memberName }];
  if (view.nextReward) {
    const { name, cost } = view.nextReward;
    assertInteger("nextReward.cost", cost);
    secondaryFields.push({
      key: "nextReward",
      label: labels.nextReward,
      value:
        view.balance >= cost
          ? labels.rewardAvailable(name)
          : labels.rewardProgress(text.number(view.balance), text.number(cost), text.unit(cost), name),
    });
  }

  const auxiliaryFields: PassField[] = [];
  const updatedYear = text.year(parseInstant("updatedAt", view.updatedAt));
  if (view.nextExpiry) {
    const { points, date } = view.nextExpiry;
    assertInteger("nextExpiry.points", points);
    auxiliaryFields.push({
      key: "expiry",
      label: labels.expiringPoints,
      value: labels.pointsExpire(
        text.number(points),
        text.unit(points),
        text.calendarDate(date, updatedYear),
        text.single(points),
      ),
    });
  }

  // The first standing's level on the front, with its lock-screen message; each one's progress on the back.
  const tiers = view.tiers ?? [];
  const tierLabel = (tier: (typeof tiers)[number], label: string) =>
    tiers.length > 1 && tier.programName ? `${label} · ${tier.programName}` : label;
  const [front] = tiers;
  if (front) {
    auxiliaryFields.unshift({
      key: "tier",
      label: tierLabel(front, labels.tier),
      value: front.tier,
      changeMessage: labels.tierChanged,
    });
  }
  const tierFields: PassField[] = tiers.flatMap((tier, index) => {
    const lines = tierProgressLines(tier, view.locale, updatedYear);
    return lines.length > 0
      ? [
          {
            key: `tierProgress${index + 1}`,
            label: tierLabel(tier, labels.tierProgress),
            value: lines.join("\n"),
          },
        ]
      : [];
  });

  const backFields: PassField[] = recentEntries(view.recentEntries).map((entry, index) => {
    assertInteger("recentEntries.points", entry.points);
    return {
      key: `entry${index + 1}`,
      label: text.day(entry.createdAt),
      value: labels.entry(text.signedNumber(entry.points), text.unit(entry.points), entry.explanation),
    };
  });
  backFields.unshift(...tierFields);
  if (view.portalUrl) {
    backFields.push({
      key: "portal",
      label: labels.portal,
      value: view.portalUrl,
      attributedValue: `<a href="${escapeMarkup(view.portalUrl)}">${escapeMarkup(labels.portalLink)}</a>`,
    });
  }
  backFields.push({ key: "howPointsWork", label: labels.howPointsWork, value: view.howPointsAreComputed });
  const { phone, email, website } = view.contact ?? {};
  if (phone) backFields.push({ key: "phone", label: labels.phone, value: phone });
  if (email) backFields.push({ key: "email", label: labels.email, value: email });
  if (website) backFields.push({ key: "website", label: labels.website, value: website });
  // A date value with date styles lets each device show it in its own time zone and format.
  backFields.push({
    key: "updatedAt",
    label: labels.updatedAt,
    value: w3cTimestamp(parseInstant("updatedAt", view.updatedAt)),
    dateStyle: "PKDateStyleMedium",
    timeStyle: "PKDateStyleShort",
  });

  return {
    primaryFields: [
      { key: "balance", label: labels.balance, value: view.balance, changeMessage: labels.balanceChanged },
    ],
    secondaryFields,
    auxiliaryFields,
    backFields,
  };
}

function recentEntries(entries: ApplePassView["recentEntries"]): ApplePassView["recentEntries"] {
  return entries
    .map((entry) => ({ entry, at: parseInstant("recentEntries.createdAt", entry.createdAt).getTime() }))
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_RECENT_ENTRIES)
    .map(({ entry }) => entry);
}

function formatters(labels: PassLabels, timeZone: string) {
  const numbers = numberFormat(labels.intlLocale, { maximumFractionDigits: 0 });
  const signedNumbers = numberFormat(labels.intlLocale, {
    maximumFractionDigits: 0,
    signDisplay: "exceptZero",
  });
  const plurals = pluralRules(labels.intlLocale);
  const dayInZone = dateTimeFormat(labels.intlLocale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone,
  });
  const yearInZone = dateTimeFormat("en", { year: "numeric", timeZone });
  // Calendar dates carry no time zone: formatting them at UTC keeps the written day.
  const dayAndMonth = dateTimeFormat(labels.intlLocale, { day: "numeric", month: "short", timeZone: "UTC" });
  const fullDate = dateTimeFormat(labels.intlLocale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
  const single = (points: number) => plurals.select(points) === "one";

  return {
    number: (value: number) => numbers.format(value),
    signedNumber: (value: number) => signedNumbers.format(value),
    single,
    unit: (points: number) => labels.pointUnit(single(points)),
    day: (iso: string) => dayInZone.format(parseInstant("recentEntries.createdAt", iso)),
    year: (instant: Date) => Number(yearInZone.format(instant)),
    // The year is only written when it is not the one the pass was updated in.
    calendarDate: (iso: string, currentYear: number) => {
      const date = parseCalendarDate(iso);
      return (date.getUTCFullYear() === currentYear ? dayAndMonth : fullDate).format(date);
    },
  };
}

function parseCalendarDate(iso: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new TypeError(`nextExpiry.date is not an ISO date: ${iso}`);
  }
  return date;
}

function parseInstant(name: string, iso: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`${name} is not an ISO time: ${iso}`);
  }
  return date;
}

// Wallet refuses the whole pass when a date has fractional seconds, as toISOString() writes them.
function w3cTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function assertInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(`${name} must be an integer number of points, got ${value}`);
  }
}

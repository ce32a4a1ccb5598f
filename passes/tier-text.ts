import { dateTimeFormat, numberFormat, pluralRules } from "../shared/intl-formats.ts";
import type { Locale } from "../shared/ledger/entry-types.ts";
import type { TierProgress } from "../shared/tiers/qualify.ts";
import { passLabels } from "./apple/pass-labels.ts";

/** What a pass shows of one tier standing: GET /v1/me's `tiers` item, its program named when there are several. */
export type PassTier = Pick<TierProgress, "tier" | "next" | "keptUntil" | "pointsToKeep"> & {
  /** The program's name, shown only when the member has a standing in more than one. */
  programName?: string;
};

/**
 * The progress lines of a standing, in the member's language: keeping the level first ("320 more points by
 * 31 Mar to stay Gold", the date a level is lost matters most), then the next level ("180 points to
 * Silver"). None at the first level with nothing above it. `currentYear` leaves that year out of the date
 * (the Apple pass, rendered at each fetch); without it the year is always written (the Google object,
 * only patched when something changes, could otherwise be read a year late).
 */
export function tierProgressLines(tier: PassTier, locale: Locale, currentYear?: number): string[] {
  const labels = passLabels[locale];
  const numbers = numberFormat(labels.intlLocale, { maximumFractionDigits: 0 });
  const plurals = pluralRules(labels.intlLocale);
  const single = (points: number) => plurals.select(points) === "one";
  const lines: string[] = [];
  if (tier.keptUntil) {
    const date = writtenDay(tier.keptUntil, labels.intlLocale, currentYear);
    lines.push(
      tier.pointsToKeep > 0
        ? labels.tierToKeep(numbers.format(tier.pointsToKeep), single(tier.pointsToKeep), date, tier.tier)
        : labels.tierKept(tier.tier, date),
    );
  }
  if (tier.next && tier.next.pointsNeeded > 0) {
    const { pointsNeeded } = tier.next;
    lines.push(labels.tierToReach(numbers.format(pointsNeeded), single(pointsNeeded), tier.next.tier));
  }
  return lines;
}

/** "31 Mar" / "31 mars", with the year unless it is `currentYear`. A calendar day: formatted at UTC. */
function writtenDay(iso: string, intlLocale: string, currentYear?: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const day = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!day || Number.isNaN(day.getTime())) throw new TypeError(`keptUntil is not an ISO date: ${iso}`);
  return dateTimeFormat(intlLocale, {
    day: "numeric",
    month: "short",
    ...(day.getUTCFullYear() === currentYear ? {} : { year: "numeric" }),
    timeZone: "UTC",
  }).format(day);
}

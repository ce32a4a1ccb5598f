import type { TierLevel, TierSettings, TierWindow } from "./settings.ts";

/**
 * A customer's standing in one program's tiers, kept on the profile (`tiers.<programId>`) and changed
 * only in the ledger write that moves it: the qualifying points per UTC month ("2026-03") of the window,
 * so an earn adds to one bucket instead of reading the history. At most the window's months are kept
 * (24 at most), whatever the number of entries.
 */
export interface TierState {
  /** The level held (its name in the version that decided it). */
  tier: string;
  /** When it was reached. */
  since: string;
  buckets: Record<string, number>;
  /** When it must be reviewed: the first month start at which the buckets left fall below the threshold. */
  reviewAt?: string;
  /** The levels whose entry reward was credited (names), so that reaching one again pays nothing more. */
  rewarded?: string[];
}

const monthOf = (at: Date) => at.toISOString().slice(0, 7);
const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1));

/** The months ("YYYY-MM") a window holds at `at`, oldest first. */
export function windowMonths(window: TierWindow, at: Date): string[] {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const count = window.kind === "rolling" ? window.months : month + 1;
  return Array.from({ length: count }, (_, i) => monthOf(monthStart(year, month - count + 1 + i)));
}

/** The buckets still in the window at `at`: older ones leave, so the state stays bounded. */
export function pruned(
  window: TierWindow,
  buckets: Record<string, number>,
  at: Date,
): Record<string, number> {
  const months = new Set(windowMonths(window, at));
  return Object.fromEntries(Object.entries(buckets).filter(([month, n]) => months.has(month) && n > 0));
}

export const totalOf = (buckets: Record<string, number>) =>
  Object.values(buckets).reduce((sum, n) => sum + n, 0);

/** The qualifying points in the window at `at`. */
export const qualifyingAt = (window: TierWindow, buckets: Record<string, number>, at: Date) =>
  totalOf(pruned(window, buckets, at));

/** The highest level whose threshold the points reach (the first level's is 0). */
export function levelFor(levels: readonly TierLevel[], points: number): number {
  let index = 0;
  levels.forEach((level, i) => {
    if (points >= level.threshold) index = i;
  });
  return index;
}

export const levelIndex = (levels: readonly TierLevel[], name: string) =>
  levels.findIndex((level) => level.name === name);

/**
 * When `level` stops being held if nothing more qualifies: the first month start after `at` at which the
 * buckets left in the window fall below its threshold. None for the first level, which is never lost.
 */
export function reviewTime(
  settings: TierSettings,
  buckets: Record<string, number>,
  level: number,
  at: Date,
): Date | undefined {
  const threshold = settings.levels[level]?.threshold ?? 0;
  if (level === 0 || threshold === 0) return undefined;
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  // Every bucket has left a rolling window after `months` month starts, and a calendar year at its end.
  const horizon = settings.window.kind === "rolling" ? settings.window.months : 12 - month;
  for (let k = 1; k <= horizon; k++) {
    const boundary = monthStart(year, month + k);
    if (qualifyingAt(settings.window, buckets, boundary) < threshold) return boundary;
  }
  return monthStart(year, month + horizon);
}

/**
 * The level held at `at` before anything new qualifies: the one recorded, unless its review time has
 * passed (the job has not run yet), in which case what the window holds now decides, as the job would.
 * A level renamed or removed by a later program version is decided again from the points.
 */
export function heldLevel(settings: TierSettings, state: TierState | undefined, at: Date): number {
  if (!state) return 0;
  const recorded = levelIndex(settings.levels, state.tier);
  const due = state.reviewAt !== undefined && Date.parse(state.reviewAt) <= at.getTime();
  if (recorded < 0 || due) return levelFor(settings.levels, qualifyingAt(settings.window, state.buckets, at));
  return recorded;
}

export interface TierMove {
  from: number;
  to: number;
  /** Qualifying points in the window when it was decided. */
  points: number;
}

export interface TierOutcome {
  state: TierState;
  /** Set when the level changed. */
  move?: TierMove;
}

function settle(
  settings: TierSettings,
  buckets: Record<string, number>,
  from: number,
  to: number,
  previous: TierState | undefined,
  at: Date,
  /** A return: the level is kept, at least until the next month start (the grace), whatever the points. */
  floorReview?: Date,
): TierOutcome {
  const points = totalOf(buckets);
  let reviewAt = reviewTime(settings, buckets, to, at);
  if (floorReview && reviewAt && reviewAt < floorReview) reviewAt = floorReview;
  const state: TierState = {
    tier: settings.levels[to]?.name ?? "",
    since: from === to && previous ? previous.since : at.toISOString(),
    buckets,
    ...(reviewAt ? { reviewAt: reviewAt.toISOString() } : {}),
    ...(previous?.rewarded ? { rewarded: previous.rewarded } : {}),
  };
  return { state, ...(from === to ? {} : { move: { from, to, points } }) };
}

/**
 * A credit of `points` qualifying points at `at`: added to this month's bucket; a level reached is held
 * from this write on (promotion is immediate, never down: a demotion only comes from a review).
 */
export function afterQualifying(
  settings: TierSettings,
  state: TierState | undefined,
  points: number,
  at: Date,
): TierOutcome {
  const from = state ? levelIndexOrZero(settings, state) : 0;
  const held = heldLevel(settings, state, at);
  const buckets = pruned(settings.window, state?.buckets ?? {}, at);
  const month = monthOf(at);
  if (points > 0) buckets[month] = (buckets[month] ?? 0) + points;
  const to = Math.max(held, levelFor(settings.levels, totalOf(buckets)));
  return settle(settings, buckets, from, to, state, at);
}

/**
 * A purchase return taking back `points` of a purchase credited at `earnedAt`: they leave the bucket they
 * were counted in (if it is still in the window). Policy, grace: the level is kept until its review, which
 * the return may bring forward, but never before the next month start; then the review decides.
 */
export function afterReturn(
  settings: TierSettings,
  state: TierState | undefined,
  points: number,
  earnedAt: Date,
  at: Date,
): TierOutcome | undefined {
  if (!state) return undefined;
  const from = levelIndexOrZero(settings, state);
  const held = heldLevel(settings, state, at);
  const buckets = pruned(settings.window, state.buckets, at);
  const month = monthOf(earnedAt);
  if (buckets[month] !== undefined) {
    const left = Math.max(0, buckets[month] - points);
    if (left > 0) buckets[month] = left;
    else delete buckets[month];
  }
  const next = at.getUTCMonth() + 1;
  return settle(settings, buckets, from, held, state, at, monthStart(at.getUTCFullYear(), next));
}

/** The scheduled review: what the window holds now decides the level, up or down. */
export function reviewed(settings: TierSettings, state: TierState, at: Date): TierOutcome {
  const from = levelIndexOrZero(settings, state);
  const buckets = pruned(settings.window, state.buckets, at);
  return settle(settings, buckets, from, levelFor(settings.levels, totalOf(buckets)), state, at);
}

const levelIndexOrZero = (settings: TierSettings, state: TierState) =>
  Math.max(0, levelIndex(settings.levels, state.tier));

/** The earliest review time over a customer's programs, for the due index. */
export function earliestReview(states: Record<string, TierState> | undefined): string | undefined {
  const times = Object.values(states ?? {}).flatMap((s) => (s.reviewAt ? [s.reviewAt] : []));
  return times.sort()[0];
}

/** What a member is shown: the level, the points in the window, what the next level needs, and until when the level is kept. */
export interface TierProgress {
  tier: string;
  multiplier: string;
  qualifyingPoints: number;
  window: TierWindow;
  next: { tier: string; threshold: number; pointsNeeded: number } | null;
  /** The level is kept until this day (UTC, inclusive) without further points; null for the first level. */
  keptUntil: string | null;
  /** Points to earn before keptUntil to keep the level at the following review. */
  pointsToKeep: number;
}

export function progressOf(settings: TierSettings, state: TierState | undefined, at: Date): TierProgress {
  const level = heldLevel(settings, state, at);
  const buckets = pruned(settings.window, state?.buckets ?? {}, at);
  const points = totalOf(buckets);
  const current = settings.levels[level] as TierLevel;
  const nextLevel = settings.levels[level + 1];
  const review = reviewTime(settings, buckets, level, at);
  const keptUntil = review ? new Date(review.getTime() - 86_400_000).toISOString().slice(0, 10) : null;
  const leftAtReview = review ? qualifyingAt(settings.window, buckets, review) : points;
  return {
    tier: current.name,
    multiplier: current.multiplier,
    qualifyingPoints: points,
    window: settings.window,
    next: nextLevel
      ? {
          tier: nextLevel.name,
          threshold: nextLevel.threshold,
          pointsNeeded: Math.max(0, nextLevel.threshold - points),
        }
      : null,
    keptUntil,
    pointsToKeep: review ? Math.max(0, current.threshold - leftAtReview) : 0,
  };
}

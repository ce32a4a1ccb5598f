import { getProgram } from "../merchants/directory.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { readCustomer } from "../store/customers/profile.ts";
import { tierWrites } from "./ledger.ts";
import { reviewed } from "./qualify.ts";

/** Thrown by the plan when the review is no longer due (an earn or another run got there first). */
class NothingToReview extends Error {}

/**
 * The scheduled review of a customer whose tier review time has come (found through the due index by the
 * expiry job): for each program whose window has moved below the level held, a `tier_change` entry of its
 * own, written through the ledger pipeline on condition the profile is as read, so two runs (or a run and
 * an earn) never both decide it. Returns the number of tier changes written.
 */
export async function reviewTiers(
  deps: LedgerDeps,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<number> {
  const customer = await readCustomer(deps.db, merchantId, customerId);
  const due = Object.entries(customer?.tiers ?? {}).filter(
    ([, state]) => state.reviewAt !== undefined && Date.parse(state.reviewAt) <= now.getTime(),
  );
  let changes = 0;
  for (const [programId] of due) {
    const program = await getProgram(deps.db, merchantId, programId, true);
    const settings = program?.tiers;
    if (!program || !settings) continue;
    try {
      await ledgerWrite(
        { ...deps, clock: () => now },
        {
          name: "tiers.review",
          merchantId,
          load: async () => undefined,
          customerId: () => customerId,
          plan: ({ customer: fresh }) => {
            const state = fresh.tiers?.[programId];
            if (!state?.reviewAt || Date.parse(state.reviewAt) > now.getTime()) throw new NothingToReview();
            const writes = tierWrites(deps.db, program, fresh, reviewed(settings, state, now), now, "review");
            // A level still held (the window's points kept it) moves only its review, which the next earn
            // or review settles: the pipeline writes entries, and a standing alone is none.
            const [entry] = writes.change?.() ?? [];
            if (!entry) throw new NothingToReview();
            return {
              entry,
              profileUpdates: writes.profileUpdates,
              items: writes.items,
              result: () => undefined,
            };
          },
        },
      );
      changes++;
    } catch (error) {
      if (!(error instanceof NothingToReview)) throw error;
    }
  }
  return changes;
}

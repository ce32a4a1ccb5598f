import { getProgramCached } from "../merchants/directory.ts";
import type { DirectoryCache } from "../merchants/directory-cache.ts";
import type { Customer, Program } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { progressOf, type TierProgress } from "./qualify.ts";

export type TierProgressView = TierProgress & { programId: string; programVersion: number };

/**
 * What the member (and staff) read of the customer's tiers: per program they have a standing in, as the
 * program's current version sees it ("320 more points by 31 Mar to stay Gold": pointsToKeep, keptUntil).
 * Reads the programs only (from the container's cache): the standing is on the profile already read.
 */
export async function tierProgress(
  db: Db,
  customer: Customer,
  at: Date,
  directory?: DirectoryCache,
): Promise<TierProgressView[]> {
  const ids = Object.keys(customer.tiers ?? {}).sort();
  const programs = await Promise.all(
    ids.map((id) => getProgramCached(db, customer.merchantId, id, directory)),
  );
  return tierProgressIn(programs, customer, at);
}

/**
 * The same, from programs the caller has already read (the pass lists them all): no read of its own, so a
 * pass fetch reads nothing more for the tiers. Per program the customer has a standing in, by program id.
 */
export function tierProgressIn(
  programs: readonly (Program | undefined)[],
  customer: Customer,
  at: Date,
): TierProgressView[] {
  const standings = customer.tiers ?? {};
  return programs
    .filter((program): program is Program => program !== undefined && Object.hasOwn(standings, program.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .flatMap((program) =>
      program.tiers
        ? [
            {
              programId: program.id,
              programVersion: program.version,
              ...progressOf(program.tiers, standings[program.id], at),
            },
          ]
        : [],
    );
}

import { DUE_SHARDS } from "../store/ledger/due-index.ts";

/** How the expiry job walks the due index (shared/store/ledger/due-index.ts): day by day, shard by shard. */

export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Every (day, shard) from `first` to `last` inclusive, in order. */
export function* dayShards(first: string, last: string): Generator<{ day: string; shard: number }> {
  for (let day = first; day <= last; day = addDays(day, 1)) {
    for (let shard = 0; shard < DUE_SHARDS; shard++) yield { day, shard };
  }
}

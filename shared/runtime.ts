import { type Clock, systemClock } from "./clock.ts";
import { type Db, dbFromEnv } from "./store/db/client.ts";

export interface RuntimeDeps {
  db: Db;
  clock: Clock;
}

let deps: RuntimeDeps | undefined;

/** Built once per container, on first use, from the environment Lambda or the local stack provides. */
export function runtimeDeps(): RuntimeDeps {
  deps ??= { db: dbFromEnv(), clock: systemClock };
  return deps;
}

/** For the local stack, which points the handlers at a new table within one process (tests, benchmarks). */
export function resetRuntimeDeps(): void {
  deps?.db.client.destroy();
  deps = undefined;
}

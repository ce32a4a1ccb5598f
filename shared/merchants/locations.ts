import { canUseLocation, type Principal } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import { notFound, ValidationError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { Location } from "../model.ts";
import type { WriteDeps, WriteResult } from "../pipeline/write.ts";
import type { Db } from "../store/db/client.ts";
import { listLocations, newLocationItem, saveLocationChanges } from "../store/merchants/locations.ts";
import { createOnce } from "./create-once.ts";
import { getLocation, getProgram, listPrograms } from "./directory.ts";
import { containerDirectory } from "./directory-cache.ts";
import type { OpeningHours } from "./opening-hours.ts";
import { locationView, programView } from "./views.ts";

type LocationView = ReturnType<typeof locationView>;

export interface NewLocation {
  name: string;
  programId: string;
  openingHours?: OpeningHours;
}

export type LocationChanges = Partial<NewLocation>;

/** A 400 naming the field, so a form can point at it; another merchant's id is as unknown as a made-up one. */
export async function requireKnownLocations(db: Db, merchantId: string, ids: readonly string[] | "*") {
  if (ids === "*") return;
  const known = new Set((await listLocations(db, merchantId)).map((location) => location.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw ValidationError.field("locationIds", `no such location: ${unknown.join(", ")}`);
  }
}

async function requireProgram(db: Db, merchantId: string, programId: string) {
  // Consistent: a program created a moment ago must be usable at once.
  if (!(await getProgram(db, merchantId, programId, true))) {
    throw ValidationError.field("programId", "no such program");
  }
}

/**
 * Everyone sees the locations they may work at; location managers see them all. Each with the program it
 * earns with, so a scanner can say what applies there without `programs:manage`.
 */
export async function listVisibleLocations(
  deps: { db: Db },
  principal: Principal,
): Promise<(LocationView & { program: ReturnType<typeof programView> | null })[]> {
  const [all, programs] = await Promise.all([
    listLocations(deps.db, principal.merchantId),
    listPrograms(deps.db, principal.merchantId),
  ]);
  const byId = new Map(programs.map((program) => [program.id, programView(program)]));
  const everything = principal.permissions.has("locations:manage");
  return all
    .filter((location) => everything || canUseLocation(principal, location.id))
    .map((location) => ({ ...locationView(location), program: byId.get(location.programId) ?? null }));
}

export async function addLocation(
  deps: WriteDeps,
  principal: Principal,
  input: NewLocation,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ location: LocationView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  return createOnce(
    deps,
    principal,
    { operation: "locations.create", input, idempotencyKey },
    {
      check: () => requireProgram(db, merchantId, input.programId),
      build: (_, now) => {
        const location: Location = {
          merchantId,
          id: newId("loc", now),
          name: input.name,
          programId: input.programId,
          ...(input.openingHours ? { openingHours: input.openingHours } : {}),
          createdAt: now.toISOString(),
        };
        return { items: [newLocationItem(db, location)], result: { location: locationView(location) } };
      },
    },
  );
}

/** Renames a location or moves it to another program; earlier entries keep the program they were earned with. */
export async function updateLocation(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  locationId: string,
  changes: LocationChanges,
): Promise<LocationView> {
  const { db } = deps;
  const { merchantId } = principal;
  if (!(await getLocation(db, merchantId, locationId))) throw notFound("Location");
  if (changes.programId !== undefined) await requireProgram(db, merchantId, changes.programId);
  const saved = await saveLocationChanges(db, merchantId, locationId, {
    ...changes,
    updatedAt: deps.clock().toISOString(),
  });
  containerDirectory.forget(merchantId, "location", locationId);
  return locationView(saved);
}

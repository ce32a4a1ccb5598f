import canonicalize from "canonicalize";
import type { Principal } from "../auth/principal.ts";
import { backoffDelayMs } from "../backoff.ts";
import type { Clock } from "../clock.ts";
import { notFound, UnavailableError } from "../errors.ts";
import { NO_EXPIRY } from "../expiry/policy.ts";
import { newId } from "../ids.ts";
import type { Program } from "../model.ts";
import type { WriteDeps, WriteResult } from "../pipeline/write.ts";
import type { ProgramSettings } from "../programs/rule-schema.ts";
import type { Db } from "../store/db/client.ts";
import { type Backoff, defaultBackoff } from "../store/db/contention.ts";
import { TransactionCancelled } from "../store/db/transact.ts";
import {
  listPrograms,
  listProgramVersions,
  programVersionItems,
  saveProgramVersion,
} from "../store/merchants/programs.ts";
import { wellFormed } from "../text.ts";
import { createOnce } from "./create-once.ts";
import { getProgram } from "./directory.ts";
import { containerDirectory } from "./directory-cache.ts";
import { programSettingsView } from "./views.ts";

/**
 * A program's settings never change in place: each save is a new immutable version, so every ledger entry's
 * (programId, programVersion) still names the rule its points were computed with.
 */

type ProgramView = ReturnType<typeof programSettingsView>;

export async function listProgramSettings(deps: { db: Db }, principal: Principal): Promise<ProgramView[]> {
  return (await listPrograms(deps.db, principal.merchantId)).map(programSettingsView);
}

export async function readProgramSettings(
  deps: { db: Db },
  principal: Principal,
  programId: string,
): Promise<ProgramView> {
  const program = await getProgram(deps.db, principal.merchantId, programId, true);
  if (!program) throw notFound("Program");
  return programSettingsView(program);
}

export async function addProgram(
  deps: WriteDeps,
  principal: Principal,
  settings: ProgramSettings,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ program: ProgramView }>> {
  const request = { operation: "programs.create", input: settings, idempotencyKey };
  return createOnce(deps, principal, request, {
    check: async () => undefined,
    build: (_, now) => {
      const program: Program = {
        merchantId: principal.merchantId,
        id: newId("prog", now),
        name: settings.name,
        version: 1,
        rule: settings.rule,
        expiry: settings.expiry,
        ...(settings.tiers ? { tiers: settings.tiers } : {}),
        ...(settings.referrals ? { referrals: settings.referrals } : {}),
        updatedAt: now.toISOString(),
        updatedBy: principal.staffId,
      };
      return {
        items: programVersionItems(deps.db, program),
        result: { program: programSettingsView(program) },
      };
    },
  });
}

const sameSettings = (program: Program, settings: ProgramSettings) =>
  // A name stored before lone surrogates were refused cannot be canonicalised: compared as U+FFFD.
  canonicalize({
    name: wellFormed(program.name),
    rule: program.rule,
    expiry: program.expiry ?? NO_EXPIRY,
    tiers: program.tiers ?? null,
    referrals: program.referrals ?? null,
  }) === canonicalize({ ...settings, tiers: settings.tiers ?? null, referrals: settings.referrals ?? null });

/**
 * Saves the settings as the next version. Two saves that read the same version race on the condition in
 * programVersionItems; the loser reads again and becomes the version after the winner's (a PUT replaces the
 * whole settings, so applying it second is what it would have done a moment later, and both stay in the
 * history). Settings equal to the current ones save nothing, so a retried PUT does not add a version.
 */
export async function replaceProgram(
  deps: { db: Db; clock: Clock; backoff?: Backoff },
  principal: Principal,
  programId: string,
  settings: ProgramSettings,
): Promise<ProgramView> {
  const backoff = deps.backoff ?? defaultBackoff;
  const { db } = deps;
  for (let attempt = 0; attempt < backoff.maxAttempts; attempt++) {
    const current = await getProgram(db, principal.merchantId, programId, true);
    if (!current) throw notFound("Program");
    if (sameSettings(current, settings)) return programSettingsView(current);
    const next: Program = {
      merchantId: current.merchantId,
      id: current.id,
      name: settings.name,
      version: current.version + 1,
      rule: settings.rule,
      expiry: settings.expiry,
      ...(settings.tiers ? { tiers: settings.tiers } : {}),
      ...(settings.referrals ? { referrals: settings.referrals } : {}),
      updatedAt: deps.clock().toISOString(),
      updatedBy: principal.staffId,
    };
    try {
      await saveProgramVersion(db, next);
      containerDirectory.forget(next.merchantId, "program", next.id);
      return programSettingsView(next);
    } catch (error) {
      // Another save took this version, or contention: read again.
      const raced = error instanceof TransactionCancelled && (error.failed.length > 0 || error.retryable);
      if (!raced) throw error;
      await backoff.sleep(backoffDelayMs(backoff, attempt + 1, backoff.random));
    }
  }
  throw new UnavailableError("The program is being changed by someone else; retry.", 1);
}

export async function programVersionHistory(
  deps: { db: Db },
  principal: Principal,
  programId: string,
  page: { limit: number; cursor?: string },
) {
  if (!(await getProgram(deps.db, principal.merchantId, programId, true))) throw notFound("Program");
  const result = await listProgramVersions(deps.db, principal.merchantId, programId, page);
  return { versions: result.versions.map(programSettingsView), nextCursor: result.nextCursor };
}

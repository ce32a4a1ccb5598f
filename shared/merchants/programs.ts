import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import canonicalize from "canonicalize";
import { type Principal, requirePermission } from "../auth/principal.ts";
import { backoffDelayMs } from "../backoff.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import {
  type Backoff,
  cancellationCodes,
  defaultBackoff,
  isRetryableCancellation,
} from "../db/contention.ts";
import { notFound, UnavailableError } from "../errors.ts";
import { NO_EXPIRY } from "../expiry/policy.ts";
import type { IdempotentResult } from "../idempotent-write.ts";
import { newId } from "../ids.ts";
import type { Program } from "../model.ts";
import type { ProgramSettings } from "../programs/rule-schema.ts";
import { createOnce } from "./create-once.ts";
import { getProgram, listPrograms, listProgramVersions } from "./directory.ts";
import { programVersionItems } from "./setup.ts";
import { programSettingsView } from "./views.ts";

/**
 * A program's settings never change in place: each save is a new immutable version, so every ledger entry's
 * (programId, programVersion) still names the rule its points were computed with.
 */

type ProgramView = ReturnType<typeof programSettingsView>;

export async function listProgramSettings(deps: { db: Db }, principal: Principal): Promise<ProgramView[]> {
  requirePermission(principal, "programs:manage");
  return (await listPrograms(deps.db, principal.merchantId)).map(programSettingsView);
}

export async function readProgramSettings(
  deps: { db: Db },
  principal: Principal,
  programId: string,
): Promise<ProgramView> {
  requirePermission(principal, "programs:manage");
  const program = await getProgram(deps.db, principal.merchantId, programId, true);
  if (!program) throw notFound("Program");
  return programSettingsView(program);
}

export async function addProgram(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  settings: ProgramSettings,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<{ program: ProgramView }>> {
  requirePermission(principal, "programs:manage");
  const request = { operation: "programs.create", input: settings, idempotencyKey };
  return createOnce(deps, principal, request, (now) => {
    const program: Program = {
      merchantId: principal.merchantId,
      id: newId("prog", now),
      name: settings.name,
      version: 1,
      rule: settings.rule,
      expiry: settings.expiry,
      updatedAt: now.toISOString(),
      updatedBy: principal.staffId,
    };
    return { items: programVersionItems(deps.db, program), body: { program: programSettingsView(program) } };
  });
}

const sameSettings = (program: Program, settings: ProgramSettings) =>
  canonicalize({ name: program.name, rule: program.rule, expiry: program.expiry ?? NO_EXPIRY }) ===
  canonicalize(settings);

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
  requirePermission(principal, "programs:manage");
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
      updatedAt: deps.clock().toISOString(),
      updatedBy: principal.staffId,
    };
    try {
      await db.client.send(new TransactWriteCommand({ TransactItems: programVersionItems(db, next) }));
      return programSettingsView(next);
    } catch (error) {
      const codes = cancellationCodes(error);
      const raced = codes && (codes.includes("ConditionalCheckFailed") || isRetryableCancellation(codes));
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
  requirePermission(principal, "programs:manage");
  if (!(await getProgram(deps.db, principal.merchantId, programId, true))) throw notFound("Program");
  const result = await listProgramVersions(deps.db, principal.merchantId, programId, page);
  return { versions: result.versions.map(programSettingsView), nextCursor: result.nextCursor };
}

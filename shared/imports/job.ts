import { logger } from "../logger.ts";
import { listActiveImports } from "../store/imports.ts";
import type { ImportDeps } from "./import.ts";
import { advanceImport, type StepBudget } from "./run.ts";

export interface ImportJobResult {
  imports: number;
  /** Whether every import listed has no lines left (false: the next run goes on). */
  complete: boolean;
}

/** Imports one run looks at; each is a merchant's migration, so there are few at a time. */
const IMPORTS_PER_RUN = 20;

/** The import job: each import with lines left, in turn, until the budget is spent. */
export async function runImportJob(deps: ImportDeps, budget: StepBudget): Promise<ImportJobResult> {
  const active = await listActiveImports(deps.db, IMPORTS_PER_RUN);
  let complete = true;
  for (const { merchantId, importId } of active) {
    if (budget.remainingMs() < (budget.reserveMs ?? 0)) {
      complete = false;
      break;
    }
    try {
      const step = await advanceImport(deps, merchantId, importId, budget);
      if (!step.complete) complete = false;
    } catch (error) {
      // One import's failure does not stop the others; the next run tries it again from its cursor.
      logger.error("import step failed", { merchantId, importId, error });
      complete = false;
    }
  }
  return { imports: active.length, complete };
}

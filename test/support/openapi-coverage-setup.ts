import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { COVERAGE_DIR, createResponseValidator } from "./openapi-validator.ts";

/**
 * How much of docs/openapi.yaml the run's HTTP exchanges exercised (each one checked by
 * openapi-validator.ts): written to test/output/openapi-coverage.json (beside OPENAPI_COVERAGE_DIR when
 * set) and printed at the end of the run. OPENAPI_COVERAGE_KEEP=1 keeps the earlier runs' exchanges, to
 * add up files run one at a time.
 */
const SUMMARY_FILE = new URL("../openapi-coverage.json", COVERAGE_DIR);

interface Line {
  operation: string | null;
  method: string;
  status: number;
  ok: boolean;
}

export interface CoverageSummary {
  operations: { covered: number; total: number; uncovered: string[] };
  /** Documented (operation, status) pairs some exchange answered, out of all documented pairs. */
  responses: { covered: number; total: number };
  exchanges: { validated: number; conforming: number; withoutOperation: number };
  byOperation: Record<string, Record<string, number>>;
}

function readLines(): Line[] {
  if (!existsSync(COVERAGE_DIR)) return [];
  return readdirSync(COVERAGE_DIR)
    .filter((name) => name.endsWith(".jsonl"))
    .flatMap((name) => readFileSync(new URL(name, COVERAGE_DIR), "utf8").split("\n"))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
}

export function summarize(lines: Line[], documented: Record<string, string[]>): CoverageSummary {
  const byOperation: Record<string, Record<string, number>> = {};
  for (const line of lines) {
    if (!line.operation) continue;
    const statuses = byOperation[line.operation] ?? {};
    statuses[line.status] = (statuses[line.status] ?? 0) + 1;
    byOperation[line.operation] = statuses;
  }
  const operations = Object.keys(documented);
  const pairs = Object.entries(documented).flatMap(([op, statuses]) => statuses.map((s) => [op, s] as const));
  return {
    operations: {
      covered: operations.filter((op) => byOperation[op]).length,
      total: operations.length,
      uncovered: operations.filter((op) => !byOperation[op]),
    },
    responses: {
      covered: pairs.filter(([op, status]) => byOperation[op]?.[status]).length,
      total: pairs.length,
    },
    exchanges: {
      validated: lines.length,
      conforming: lines.filter((line) => line.ok).length,
      withoutOperation: lines.filter((line) => !line.operation).length,
    },
    byOperation,
  };
}

export default function setup() {
  if (!process.env.OPENAPI_COVERAGE_KEEP) rmSync(COVERAGE_DIR, { recursive: true, force: true });
  return () => {
    const lines = readLines();
    if (lines.length === 0) return;
    const summary = summarize(lines, createResponseValidator().documentedStatuses());
    writeFileSync(SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(
      `OpenAPI conformance: ${summary.exchanges.validated} exchanges validated ` +
        `(${summary.exchanges.validated - summary.exchanges.conforming} broke the spec), ` +
        `${summary.operations.covered}/${summary.operations.total} operations and ` +
        `${summary.responses.covered}/${summary.responses.total} documented responses exercised ` +
        `(${relative(process.cwd(), fileURLToPath(SUMMARY_FILE))})`,
    );
  };
}

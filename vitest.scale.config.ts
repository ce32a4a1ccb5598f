import { defineConfig } from "vitest/config";

// The heavy cases (customers with thousands of lots and entries), kept out of `npm test` to hold it under
// five minutes; `npm run test:scale` runs them against DynamoDB Local, and CI runs both.
export default defineConfig({
  test: {
    // The invariant property again, with many more random sequences than npm test affords.
    include: ["test/scale/**/*.test.ts", "test/integration/ledger-invariants.test.ts"],
    globalSetup: ["test/support/dynamodb-global-setup.ts"],
    env: {
      POWERTOOLS_LOG_LEVEL: "SILENT",
      DYNAMODB_REQUEST_TIMEOUT_MS: "30000",
      CONTENTION_BUDGET_MS: "60000",
      INVARIANT_RUNS: "20",
    },
    testTimeout: 900_000,
    hookTimeout: 120_000,
    // Each scale file (each long-lived case) runs on a DynamoDB Local of its own (test/support/own-dynamodb.ts),
    // so two at a time on two cores: the cases mostly wait on round trips.
    maxWorkers: 2,
  },
});

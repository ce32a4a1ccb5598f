import { defineConfig } from "vitest/config";

// Unit tests need nothing running; integration and end-to-end tests share one DynamoDB Local (a fresh
// in-memory instance per run, as stream reads slow down as data piles up) and one local user pool service,
// started by the global setups.
export default defineConfig({
  test: {
    // Three files at a time on two cores: the end-to-end files mostly wait on DynamoDB Local's JVM and on
    // Chromium, other processes, so a third worker fills the time the first two wait (measured on this 2-core
    // machine: 254 s against 298 s with two; vitest's default leaves one core to the main process).
    maxWorkers: 3,
    // Handlers log as on Lambda; tests keep their output to what fails.
    env: { POWERTOOLS_LOG_LEVEL: "SILENT" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
          globalSetup: [
            "test/support/dynamodb-global-setup.ts",
            "test/support/user-pool-global-setup.ts",
            "test/support/openapi-coverage-setup.ts",
          ],
          // DynamoDB Local with every test file at once on 2 cores can take seconds per call; the
          // production budgets (shared/budgets.ts) would turn that into 503s. Stall tests inject their own.
          env: {
            POWERTOOLS_LOG_LEVEL: "SILENT",
            DYNAMODB_REQUEST_TIMEOUT_MS: "30000",
            LOCAL_GATEWAY_TIMEOUT_MS: "120000",
            // Read by the ledger write pipeline (shared/budgets.ts budgetFromEnv).
            CONTENTION_BUDGET_MS: "60000",
          },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

import { defineConfig } from "vitest/config";

// Unit tests need nothing running; integration and end-to-end tests share one DynamoDB Local
// started by the global setup (a fresh in-memory instance per run, as stream reads slow down as data piles up).
export default defineConfig({
  test: {
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
          globalSetup: ["test/support/dynamodb-global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

import { randomUUID } from "node:crypto";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local.ts";
import { createLocalAuthorizer } from "../../infra/local/jwt-authorizer.ts";
import { DEMO, seedDemo } from "../../infra/local/seed.ts";
import { startLocalStack } from "../../infra/local/stack.ts";
import { PERMISSIONS } from "../../shared/auth/permissions.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import { systemClock } from "../../shared/clock.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";

/**
 * A fresh DynamoDB Local and local stack per bench section: stream reads and writes slow down as stream
 * data piles up, so sections must not inherit each other's history.
 */
export async function startBenchStack() {
  const dynamo = await startDynamoDbLocal();
  const authorizer = await createLocalAuthorizer();
  const stack = await startLocalStack({
    dynamoEndpoint: dynamo.endpoint,
    tableName: `bench-${randomUUID()}`,
    authorizer,
    port: 0,
  });
  await seedDemo({ db: stack.db, clock: systemClock });
  const owner: Principal = {
    merchantId: DEMO.merchantId,
    staffId: DEMO.staff.alice.id,
    role: "owner",
    locationIds: "*",
    permissions: new Set(PERMISSIONS),
  };
  const token = await authorizer.issue({
    merchantId: DEMO.merchantId,
    staffId: DEMO.staff.alice.id,
    role: "owner",
    locations: "*",
  });
  return {
    ...stack,
    dynamo,
    owner,
    token,
    async enrolMany(count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 16) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(16, count - i) }, (_, j) =>
            enrolCustomer({ db: stack.db, clock: systemClock }, DEMO.merchantId, {
              name: `Bench Customer ${i + j}`,
            }),
          ),
        );
        ids.push(...batch.map((r) => r.result.customer.id));
      }
      return ids;
    },
    async stop() {
      await stack.close();
      await dynamo.stop();
    },
  };
}

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

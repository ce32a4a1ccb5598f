import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local.ts";
import { DEMO, seedDemo } from "../../infra/local/seed.ts";
import { startLocalStack } from "../../infra/local/stack.ts";
import { signIn } from "../../infra/local/user-pool/client.ts";
import { startUserPoolEmulator } from "../../infra/local/user-pool/emulator.ts";
import { provisionUserPool } from "../../infra/local/user-pool/provision.ts";
import { PERMISSIONS } from "../../shared/auth/permissions.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import { systemClock } from "../../shared/clock.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { containerDirectory } from "../../shared/merchants/directory-cache.ts";

/**
 * A fresh DynamoDB Local and local stack per bench section: stream reads and writes slow down as stream
 * data piles up, so sections must not inherit each other's history.
 */
export async function startBenchStack() {
  const dynamo = await startDynamoDbLocal();
  const poolDir = await mkdtemp(join(tmpdir(), "bench-user-pool-"));
  const userPoolEmulator = await startUserPoolEmulator({
    dataDir: join(poolDir, "data"),
    mailDir: join(poolDir, "mail"),
  });
  const userPool = await provisionUserPool(userPoolEmulator.endpoint, { poolName: "bench" });
  const stack = await startLocalStack({
    dynamoEndpoint: dynamo.endpoint,
    tableName: `bench-${randomUUID()}`,
    userPool,
    port: 0,
  });
  await seedDemo({ db: stack.db, clock: systemClock, userPool });
  // Each section is a new table, as a new container would see; nothing cached from the last one.
  containerDirectory.clear();
  const owner: Principal = {
    merchantId: DEMO.merchantId,
    staffId: DEMO.staff.alice.id,
    role: "owner",
    locationIds: "*",
    permissions: new Set(PERMISSIONS),
  };
  // A real sign-in; the access token lasts 15 minutes, longer than a bench section.
  const token = (await signIn(userPool, DEMO.staff.alice.email, DEMO.staff.alice.password))
    .AuthenticationResult?.AccessToken;
  if (!token) throw new Error("the bench owner could not sign in to the local user pool");
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
      await userPoolEmulator.close();
      await rm(poolDir, { recursive: true, force: true });
      await dynamo.stop();
    },
  };
}

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

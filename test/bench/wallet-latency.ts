import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startDynamoDbLocal } from "../../infra/local/dynamodb-local.ts";
import { createLocalAuthorizer } from "../../infra/local/jwt-authorizer.ts";
import { DEMO, seedDemo } from "../../infra/local/seed.ts";
import { startLocalStack } from "../../infra/local/stack.ts";
import { LOCAL_PASS_TYPE_ID, startLocalWallet } from "../../infra/local/wallet.ts";
import { applePassViewOf, loadMemberPassContent } from "../../passes/member-pass.ts";
import { walletRuntime } from "../../passes/wallet-runtime.ts";
import { systemClock } from "../../shared/clock.ts";
import { readCustomer } from "../../shared/ledger/append.ts";

/**
 * Wallet figures on the local stack: time to render a pass through the Apple route, and time from an
 * earn's 201 to the APNs push arriving at the local server. `tsx test/bench/wallet-latency.ts [earns]`;
 * STREAM_POLL_MS sets the poller's pause (100 ms as `npm start`).
 */

const EARNS = Number(process.argv[2] ?? 50);
const RENDERS = 100;
const pollIntervalMs = Number(process.env.STREAM_POLL_MS ?? 100);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms (n=${sorted.length})`;
};

const dynamo = await startDynamoDbLocal();
const localDir = await mkdtemp(join(tmpdir(), "wallet-bench-"));
const tableName = "wallet-bench";
const authorizer = await createLocalAuthorizer();
const stack = await startLocalStack({ dynamoEndpoint: dynamo.endpoint, tableName, authorizer, port: 0 });
const wallet = await startLocalWallet({
  dynamoEndpoint: dynamo.endpoint,
  tableName,
  apiBaseUrl: stack.baseUrl,
  localDir,
  pollIntervalMs,
});
try {
  await seedDemo({ db: stack.db, clock: systemClock });
  const camille = DEMO.customers.camille;
  const customer = await readCustomer(stack.db, DEMO.merchantId, camille.id);
  if (!customer) throw new Error("demo customer missing");
  const token = await authorizer.issue({
    merchantId: DEMO.merchantId,
    staffId: DEMO.staff.alice.id,
    role: "owner",
    locations: "*",
  });
  const pushToken = `bench-${randomUUID()}`;
  const apple = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.baseUrl}/apple${path}`, {
      ...init,
      headers: {
        authorization: `ApplePass ${customer.passToken}`,
        "content-type": "application/json",
        ...init.headers,
      },
    });
  await apple(`/v1/devices/benchdevice/registrations/${LOCAL_PASS_TYPE_ID}/${customer.passSerial}`, {
    method: "POST",
    body: JSON.stringify({ pushToken }),
  });

  const fetchPasses = async () => {
    const samples: number[] = [];
    for (let i = 0; i < RENDERS; i++) {
      const started = performance.now();
      const response = await apple(`/v1/passes/${LOCAL_PASS_TYPE_ID}/${customer.passSerial}`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`pass fetch answered ${response.status}`);
      samples.push(performance.now() - started);
    }
    return samples;
  };
  // Cold: the first requests after start; warm: after the earns (DynamoDB Local's JIT needs load to warm up).
  const coldRenders = await fetchPasses();

  // The renderer alone (build pass.json, zip, sign), on the same content, without reads or HTTP.
  const renderer = await walletRuntime()?.apple?.renderer();
  const content = await loadMemberPassContent(stack.db, DEMO.merchantId, camille.id, { now: new Date() });
  if (!renderer || !content) throw new Error("wallet not configured");
  const view = applePassViewOf(content, new Date().toISOString());
  const renderOnly: number[] = [];
  for (let i = 0; i < RENDERS; i++) {
    const started = performance.now();
    await renderer.render(view);
    renderOnly.push(performance.now() - started);
  }

  const pushes: number[] = [];
  for (let i = 0; i < EARNS; i++) {
    const seen = wallet.apns.deliveries.length;
    const response = await fetch(`${stack.baseUrl}/v1/transactions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "idempotency-key": randomUUID(),
        "content-type": "application/json",
      },
      body: JSON.stringify({
        customerId: camille.id,
        locationId: "paris-01",
        type: "purchase",
        amount: "1.00",
        currency: "EUR",
      }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`earn answered ${response.status}`);
    const answered = performance.now();
    await wallet.apns.waitFor(
      (delivery) => delivery.token === pushToken && wallet.apns.deliveries.indexOf(delivery) >= seen,
      10_000,
    );
    pushes.push(performance.now() - answered);
  }

  const warmRenders = await fetchPasses();
  console.log(
    `pass through GET /apple/v1/passes (reads + render + sign + HTTP), cold: ${summary(coldRenders)}`,
  );
  console.log(`pass through GET /apple/v1/passes, after the earns: ${summary(warmRenders)}`);
  console.log(`renderer alone (pass.json + zip + signature): ${summary(renderOnly)}`);
  console.log(`earn 201 → APNs push received (poll every ${pollIntervalMs} ms): ${summary(pushes)}`);
} finally {
  await wallet.close();
  await stack.close();
  await dynamo.stop();
  await rm(localDir, { recursive: true, force: true });
}

import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_PASS_TYPE_ID, startLocalWallet } from "../../infra/local/wallet.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import { startBenchStack } from "./bench-stack.ts";
import { percentile, round } from "./stats.ts";

const EARNS = Number(process.env.BENCH_EARNS ?? 200);
const RENDERS = 100;
const POLL_MS = Number(process.env.STREAM_POLL_MS ?? 100);

/**
 * How fresh the wallet is: from an earn's 201 to the APNs push arriving at the local APNs server (stream
 * poll, stream handler, APNs HTTP/2), and how long a device's pass fetch takes (reads, render, signature).
 */
export async function benchFreshness() {
  const stack = await startBenchStack();
  const localDir = await mkdtemp(join(tmpdir(), "bench-wallet-"));
  const wallet = await startLocalWallet({
    dynamoEndpoint: stack.dynamo.endpoint,
    tableName: stack.db.table,
    apiBaseUrl: stack.baseUrl,
    localDir,
    pollIntervalMs: POLL_MS,
  });
  try {
    const customer = await readCustomer(stack.db, DEMO.merchantId, DEMO.customers.camille.id);
    if (!customer) throw new Error("demo customer missing");
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
    const pushes: number[] = [];
    for (let i = 0; i < EARNS; i++) {
      const seen = wallet.apns.deliveries.length;
      const response = await fetch(`${stack.baseUrl}/v1/transactions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${stack.token}`,
          "idempotency-key": randomUUID(),
          "content-type": "application/json",
        },
        body: JSON.stringify({
          customerId: customer.id,
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
        (d) => d.token === pushToken && wallet.apns.deliveries.indexOf(d) >= seen,
        10_000,
      );
      pushes.push(performance.now() - answered);
    }
    const fetches: number[] = [];
    for (let i = 0; i < RENDERS; i++) {
      const t0 = performance.now();
      const response = await apple(`/v1/passes/${LOCAL_PASS_TYPE_ID}/${customer.passSerial}`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`pass fetch answered ${response.status}`);
      fetches.push(performance.now() - t0);
    }
    return {
      pollIntervalMs: POLL_MS,
      rows: [
        {
          measure: "earn 201 → APNs push received",
          n: EARNS,
          p50Ms: round(percentile(pushes, 50)),
          p95Ms: round(percentile(pushes, 95)),
        },
        {
          measure: "GET /apple/v1/passes/… (reads, render, sign, HTTP)",
          n: RENDERS,
          p50Ms: round(percentile(fetches, 50)),
          p95Ms: round(percentile(fetches, 95)),
        },
      ],
    };
  } finally {
    await wallet.close();
    await stack.stop();
    await rm(localDir, { recursive: true, force: true });
  }
}

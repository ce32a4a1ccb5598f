import { randomUUID } from "node:crypto";
import { systemClock } from "../../shared/clock.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { startBenchStack } from "./bench-stack.ts";
import { closedLoop, type LoadResult, round } from "./stats.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);

/**
 * Earn through the local HTTP API (gateway emulation, JWT check, staff read, handler) against the ceiling:
 * the same domain call — the same DynamoDB reads and transaction — issued directly from this process.
 */
export async function benchEarn() {
  const stack = await startBenchStack();
  try {
    const customers = await stack.enrolMany(1_000);
    const hot = customers[0] as string;
    const body = (customerId: string) => ({
      customerId,
      locationId: "paris-01",
      type: "purchase" as const,
      amount: "12.34",
      currency: "EUR",
    });
    const viaHttp = async (customerId: string) => {
      const response = await fetch(`${stack.baseUrl}/v1/transactions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${stack.token}`,
          "content-type": "application/json",
          "idempotency-key": randomUUID(),
        },
        body: JSON.stringify(body(customerId)),
      });
      await response.arrayBuffer();
      return response.status === 201;
    };
    const direct = async (customerId: string) => {
      const result = await earnPoints(
        { db: stack.db, clock: systemClock },
        stack.owner,
        body(customerId),
        randomUUID(),
      );
      return !result.replayed;
    };
    const pick = (n: number) => customers[n % customers.length] as string;
    // DynamoDB Local's JVM needs tens of seconds of load before it runs at full speed.
    await closedLoop(8, Number(process.env.BENCH_WARMUP ?? 15), (_c, n) => viaHttp(pick(n)));

    const rows: Array<{
      target: string;
      concurrency: number;
      http: LoadResult;
      direct: LoadResult;
      ratio?: number;
    }> = [];
    for (const concurrency of [1, 8, 32]) {
      for (const target of ["1,000 customers", "one hot customer"]) {
        const who = (n: number) => (target === "one hot customer" ? hot : pick(n));
        const http = await closedLoop(concurrency, SECONDS, (_c, n) => viaHttp(who(n)));
        const ceiling = await closedLoop(concurrency, SECONDS, (_c, n) => direct(who(n)));
        rows.push({
          target,
          concurrency,
          http,
          direct: ceiling,
          ratio: round(http.perSecond / ceiling.perSecond),
        });
      }
    }
    return { secondsPerRun: SECONDS, rows };
  } finally {
    await stack.stop();
  }
}

/** Percentile by nearest rank over a copy of the samples; undefined for no samples. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (value: number | undefined, digits = 2) =>
  value === undefined ? undefined : Math.round(value * 10 ** digits) / 10 ** digits;

export interface LoadResult {
  operations: number;
  failures: number;
  seconds: number;
  perSecond: number;
  p50Ms?: number;
  p99Ms?: number;
}

/**
 * Runs `operation` from `concurrency` callers for `seconds`, each caller starting its next call when
 * the previous one ends (closed loop), and reports throughput and latency percentiles.
 */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  operation: (caller: number, n: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let n = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await operation(caller, n++).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    operations: latencies.length,
    failures,
    seconds: round(elapsed) as number,
    perSecond: round(latencies.length / elapsed, 1) as number,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

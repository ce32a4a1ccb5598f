import type { Db } from "../../shared/store/db/client.ts";

/** One DynamoDB call as the client saw it: when it was sent and when it answered, on one event counter. */
export interface RecordedCall {
  command: string;
  start: number;
  end: number;
}

const WRITES = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;

/**
 * Records every call through this client while `during` runs. Events are numbered rather than timed, so
 * the order (this call was sent after that one answered) is what counts, never how long anything took.
 */
export function recordCommands(db: Db) {
  let counter = 0;
  let calls: RecordedCall[] | undefined;
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const recording = calls;
      const call = { command: context.commandName ?? "?", start: counter++, end: -1 };
      try {
        return await next(args);
      } finally {
        call.end = counter++;
        recording?.push(call);
      }
    },
    { step: "initialize", name: "recordCommands" },
  );
  return {
    async during(run: () => Promise<unknown>): Promise<RecordedCall[]> {
      calls = [];
      const recorded = calls;
      try {
        await run();
      } finally {
        calls = undefined;
      }
      return recorded;
    },
  };
}

/**
 * The reads on the critical path before the first write: the longest chain of reads each sent after the
 * previous one answered. Reads sent together (Promise.all) overlap and make one round.
 */
export function countRounds(calls: readonly RecordedCall[]) {
  const writes = calls.filter((call) => WRITES.test(call.command));
  const firstWrite = Math.min(...writes.map((call) => call.start));
  const reads = calls
    .filter((call) => !WRITES.test(call.command) && call.end < firstWrite)
    .sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  reads.forEach((read, i) => {
    const before = reads
      .slice(0, i)
      .flatMap((earlier, j) => (earlier.end < read.start ? [depth[j] ?? 0] : []));
    depth[i] = 1 + Math.max(0, ...before);
  });
  return {
    readRoundsBeforeWrite: Math.max(0, ...depth),
    reads: reads.length,
    writes: writes.map((call) => call.command),
  };
}

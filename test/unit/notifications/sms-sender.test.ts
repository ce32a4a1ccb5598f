import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { SNS_MAX_ATTEMPTS, SNS_REQUEST_TIMEOUT_MS, sdkCallBudgetMs } from "../../../shared/budgets.ts";
import { fileSmsSender } from "../../../shared/notifications/file-sms-sender.ts";
import { SmsError, smsSenderFromEnv } from "../../../shared/notifications/sms-sender.ts";
import { snsSmsSender } from "../../../shared/notifications/sns-sms-sender.ts";

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const sms = { to: "+33698765432", text: "Café Démo: open https://example.test/portal#confirm=x" };

describe("the SNS sender", () => {
  it("publishes a transactional text straight to the number", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const sender = snsSmsSender({ region: "eu-west-3", senderId: "CafeDemo" });
    expect(await sender.send(sms)).toEqual({ messageId: "m-1" });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      PhoneNumber: sms.to,
      Message: sms.text,
      MessageAttributes: {
        "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
        "AWS.SNS.SMS.SenderID": { DataType: "String", StringValue: "CafeDemo" },
      },
    });
  });

  it("tells a number that cannot take the text from a failure worth retrying, without the number", async () => {
    const sender = snsSmsSender({ region: "eu-west-3" });
    for (const [name, rejected] of [
      ["OptedOutException", true],
      ["InvalidParameterException", true],
      ["ThrottledException", false],
      ["InternalErrorException", false],
    ] as const) {
      sns.reset();
      sns.on(PublishCommand).rejects(Object.assign(new Error(`bad ${sms.to}`), { name }));
      const error = await sender.send(sms).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmsError);
      expect(error).toMatchObject({ code: name, rejected });
      expect((error as Error).message).not.toContain(sms.to);
    }
  });
});

describe("a stalled SNS", () => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("fails the send within the client's budget instead of hanging", async () => {
    sns.restore();
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const budget = { connectTimeoutMs: 200, requestTimeoutMs: 300, maxAttempts: SNS_MAX_ATTEMPTS };
    const sender = snsSmsSender({ region: "eu-west-3", endpoint: `http://127.0.0.1:${port}`, budget });
    const started = Date.now();
    const error = await sender.send(sms).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TimeoutError", rejected: false });
    expect(Date.now() - started).toBeLessThan(sdkCallBudgetMs(300, SNS_MAX_ATTEMPTS) + 1_000);
    // And the real budget fits a request that a person waits for.
    expect(sdkCallBudgetMs(SNS_REQUEST_TIMEOUT_MS, SNS_MAX_ATTEMPTS)).toBeLessThan(8_000);
  });
});

describe("choosing the sender", () => {
  it("writes to a directory locally, uses SNS only when asked, and has none otherwise", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sms-unit-"));
    try {
      await smsSenderFromEnv({ SMS_SINK_DIR: dir, SMS_SENDER: "sns" })?.send(sms);
      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      expect(await readFile(join(dir, files[0] ?? ""), "utf8")).toBe(`To: ${sms.to}\n\n${sms.text}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(smsSenderFromEnv({})).toBeUndefined();
    expect(smsSenderFromEnv({ SMS_SENDER: "sns", AWS_REGION: "eu-west-3" })).toBeDefined();
  });

  it("keeps each message in a file of its own", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sms-unit-"));
    try {
      const sender = fileSmsSender(dir);
      const ids = [await sender.send(sms), await sender.send(sms)].map((r) => r.messageId);
      expect(new Set(ids).size).toBe(2);
      expect(await readdir(dir)).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../../shared/store/db/client.ts";
import { getItem } from "../../../shared/store/db/get-item.ts";

const db = createDb({ table: "t", endpoint: "http://127.0.0.1:1" });
const mock = mockClient(db.client as unknown as DynamoDBDocumentClient);
const key = (sk: string) => ({ pk: "P", sk });

beforeEach(() => mock.reset());

describe("reads asked for in the same turn", () => {
  it("go as one BatchGetItem, consistent when any of them must be, each answered with its own item", async () => {
    mock.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: {
        t: (input.RequestItems?.t?.Keys ?? []).filter((k) => k.sk !== "gone").map((k) => ({ ...k, v: k.sk })),
      },
    }));
    const [a, b, gone] = await Promise.all([
      getItem(db, key("a")),
      // Reached through a callback, as the earn's customer read is: still in this turn.
      Promise.resolve().then(() => getItem(db, key("b"), { consistent: true })),
      getItem(db, key("gone")),
    ]);
    expect([a?.v, b?.v, gone]).toEqual(["a", "b", undefined]);
    expect(mock.calls()).toHaveLength(1);
    const sent = mock.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.t;
    expect(sent?.Keys).toHaveLength(3);
    expect(sent?.ConsistentRead).toBe(true);
  });

  it("stay a GetItem when alone, and a later read is a call of its own", async () => {
    mock.on(GetCommand).callsFake((input: { Key: { sk: string } }) => ({ Item: { ...input.Key } }));
    expect((await getItem(db, key("a")))?.sk).toBe("a");
    expect((await getItem(db, key("b"), { consistent: true }))?.sk).toBe("b");
    expect(mock.commandCalls(GetCommand).map((c) => c.args[0].input.ConsistentRead)).toEqual([
      undefined,
      true,
    ]);
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it("all fail when their call fails", async () => {
    mock.on(BatchGetCommand).rejects(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));
    const reads = await Promise.allSettled([getItem(db, key("a")), getItem(db, key("b"))]);
    expect(reads.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });

  it("ask again for keys left unprocessed, then answer 503 if they stay so", async () => {
    mock
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ ...key("a") }] }, UnprocessedKeys: { t: { Keys: [key("b")] } } })
      .resolvesOnce({ Responses: { t: [{ ...key("b") }] } });
    const [a, b] = await Promise.all([getItem(db, key("a")), getItem(db, key("b"))]);
    expect([a?.sk, b?.sk]).toEqual(["a", "b"]);
    mock.reset();
    mock.on(BatchGetCommand).resolves({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [key("b")] } } });
    const stuck = await Promise.allSettled([getItem(db, key("a")), getItem(db, key("b"))]);
    expect(stuck.map((r) => (r.status === "rejected" ? (r.reason as { kind?: string }).kind : "ok"))).toEqual(
      ["unavailable", "unavailable"],
    );
  });
});

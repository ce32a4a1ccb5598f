import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalGoogleRecorder } from "../../../infra/local/google-recorder.ts";
import { startLocalGoogleRecorder } from "../../../infra/local/google-recorder.ts";

const SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer";
const GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

let recorder: LocalGoogleRecorder;
let dir: string;

async function assertion(scope: string): Promise<string> {
  // The recorder reads the scope but cannot know the key, so any signature will do here.
  return new SignJWT({ scope, iss: "dev@local" })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode("not-a-real-key-but-long-enough-for-hs256"));
}

async function tokenRequest(form: Record<string, string>) {
  const response = await fetch(recorder.tokenUri, { method: "POST", body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function api(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${recorder.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "google-recorder-"));
  recorder = await startLocalGoogleRecorder({ logFile: join(dir, "google.log") });
});

afterEach(async () => {
  await recorder.close();
  await rm(dir, { recursive: true, force: true });
});

describe("local Google recorder", () => {
  it("issues a bearer token for a JWT-bearer grant with the Wallet scope, and nothing else", async () => {
    const granted = await tokenRequest({ grant_type: GRANT, assertion: await assertion(SCOPE) });
    const wrongScope = await tokenRequest({ grant_type: GRANT, assertion: await assertion("openid") });
    const wrongGrant = await tokenRequest({ grant_type: "client_credentials" });

    expect(granted).toMatchObject({
      status: 200,
      body: { access_token: expect.any(String), expires_in: 3600, token_type: "Bearer" },
    });
    expect(wrongScope.status).toBe(400);
    expect(wrongGrant.status).toBe(400);
  });

  it("rejects Wallet calls without an issued token", async () => {
    expect((await api("GET", "/loyaltyObject/1.x", undefined)).status).toBe(401);
    expect((await api("GET", "/loyaltyObject/1.x", "made-up")).status).toBe(401);
  });

  it("keeps objects: insert, duplicate insert, get, patch, addMessage", async () => {
    const { body } = await tokenRequest({ grant_type: GRANT, assertion: await assertion(SCOPE) });
    const token = String(body.access_token);
    const object = { id: "1.m", classId: "1.c", state: "ACTIVE", accountName: "Test Holder" };

    expect((await api("POST", "/loyaltyObject", token, object)).status).toBe(200);
    expect((await api("POST", "/loyaltyObject", token, object)).status).toBe(409);
    const patched = await api("PATCH", "/loyaltyObject/1.m", token, {
      loyaltyPoints: { label: "Points", balance: { int: 5 } },
      notifyPreference: "NOTIFY_ON_UPDATE",
    });
    const messaged = await api("POST", "/loyaltyObject/1.m/addMessage", token, {
      message: { id: "m1", header: "h", body: "b", messageType: "TEXT" },
    });

    expect(patched.body).toEqual({ ...object, loyaltyPoints: { label: "Points", balance: { int: 5 } } });
    expect(messaged.body.resource.messages).toEqual([
      { id: "m1", header: "h", body: "b", messageType: "TEXT" },
    ]);
    expect((await api("GET", "/loyaltyObject/1.m", token)).body).toEqual(messaged.body.resource);
    expect((await api("PATCH", "/loyaltyObject/1.unknown", token, {})).status).toBe(404);
  });

  it("fails the requested number of Wallet calls, leaving token requests alone", async () => {
    recorder.failNext(503, 1);
    const { status, body } = await tokenRequest({ grant_type: GRANT, assertion: await assertion(SCOPE) });
    const token = String(body.access_token);

    expect(status).toBe(200);
    expect((await api("GET", "/loyaltyObject/1.m", token)).status).toBe(503);
    expect((await api("GET", "/loyaltyObject/1.m", token)).status).toBe(404);
  });

  it("logs one JSON line per request with holder names and assertions masked", async () => {
    const { body } = await tokenRequest({ grant_type: GRANT, assertion: await assertion(SCOPE) });
    await api("POST", "/loyaltyObject", String(body.access_token), {
      id: "1.m",
      classId: "1.c",
      state: "ACTIVE",
      accountName: "Test Holder",
    });
    await recorder.close();

    const log = await readFile(join(dir, "google.log"), "utf8");
    const lines = log
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
      "POST /token 200",
      "POST /walletobjects/v1/loyaltyObject 200",
    ]);
    expect(log).not.toContain("Test Holder");
    expect(lines[0].body.assertion).toBe("[jwt]");
  });
});

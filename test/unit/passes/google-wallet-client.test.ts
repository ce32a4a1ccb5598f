import { importSPKI, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LocalGoogleRecorder } from "../../../infra/local/google-recorder.ts";
import { startLocalGoogleRecorder } from "../../../infra/local/google-recorder.ts";
import { GoogleWalletError } from "../../../passes/google/errors.ts";
import type { LoyaltyClass, LoyaltyObject } from "../../../passes/google/loyalty-types.ts";
import { loyaltyObjectId } from "../../../passes/google/object-id.ts";
import type { GoogleWalletClientOptions } from "../../../passes/google/wallet-client.ts";
import { createGoogleWalletClient } from "../../../passes/google/wallet-client.ts";
import { ISSUER_ID, testServiceAccount } from "./google-test-keys.ts";

const CLASS_ID = `${ISSUER_ID}.gold`;
const OBJECT_ID = loyaltyObjectId(ISSUER_ID, "01HZX3M4N5P6Q7R8S9T0V1W2X3");

const loyaltyClass: LoyaltyClass = {
  id: CLASS_ID,
  issuerName: "Example Coffee",
  programName: "Beans",
  programLogo: { sourceUri: { uri: "https://example.com/logo.png" } },
  reviewStatus: "UNDER_REVIEW",
};

const loyaltyObject: LoyaltyObject = {
  id: OBJECT_ID,
  classId: CLASS_ID,
  state: "ACTIVE",
  accountId: "M-1001",
  accountName: "Test Holder",
  barcode: { type: "QR_CODE", value: "M-1001" },
  loyaltyPoints: { label: "Points", balance: { int: 120 } },
};

let recorder: LocalGoogleRecorder;
let sleep: ReturnType<typeof vi.fn<(ms: number) => Promise<void>>>;

function walletClient(overrides: Partial<GoogleWalletClientOptions> = {}) {
  return createGoogleWalletClient({
    baseUrl: recorder.baseUrl,
    serviceAccount: testServiceAccount(recorder.tokenUri).key,
    issuerId: ISSUER_ID,
    sleep,
    random: () => 0,
    ...overrides,
  });
}

const apiRequests = () => recorder.requests.filter((r) => r.path !== "/token");
const lastBody = () => apiRequests().at(-1)?.body as Record<string, unknown>;

beforeEach(async () => {
  recorder = await startLocalGoogleRecorder();
  sleep = vi.fn(async (_ms: number) => {});
});

afterEach(async () => {
  await recorder.close();
});

describe("Google Wallet client: authentication", () => {
  it("gets its access token from the service account's token_uri with a JWT-bearer assertion, once", async () => {
    const { key, publicKeyPem } = testServiceAccount(recorder.tokenUri);
    const client = walletClient({ serviceAccount: key });

    await client.upsertLoyaltyClass(loyaltyClass);
    await client.upsertLoyaltyObject(loyaltyObject);

    const tokenRequests = recorder.requests.filter((r) => r.path === "/token");
    expect(tokenRequests).toHaveLength(1);
    const form = tokenRequests[0]?.body as Record<string, string>;
    expect(form.grant_type).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    const { payload } = await jwtVerify(form.assertion ?? "", await importSPKI(publicKeyPem, "RS256"));
    expect(payload).toMatchObject({
      iss: key.client_email,
      scope: "https://www.googleapis.com/auth/wallet_object.issuer",
    });
    expect(apiRequests().map((r) => r.status)).toEqual([200, 200]);
  });

  it("refuses a token_uri that is neither Google's nor loopback", () => {
    const { key } = testServiceAccount("https://tokens.example.net/token");

    expect(() => walletClient({ serviceAccount: key })).toThrow(/token_uri/);
  });

  it("surfaces a token endpoint failure as a typed auth error", async () => {
    const { key } = testServiceAccount(`${recorder.tokenUri}-missing`);

    const failure = await walletClient({ serviceAccount: key })
      .getLoyaltyObject(OBJECT_ID)
      .catch((e) => e);

    expect(failure).toBeInstanceOf(GoogleWalletError);
    expect(failure).toMatchObject({ code: "auth", httpStatus: 404, retryable: false });
  });
});

describe("Google Wallet client: upserts", () => {
  it("inserts a new object, then patches it on the next upsert after a 409, silently", async () => {
    const client = walletClient();
    await client.upsertLoyaltyClass(loyaltyClass);

    const first = await client.upsertLoyaltyObject(loyaltyObject);
    const second = await client.upsertLoyaltyObject({
      ...loyaltyObject,
      loyaltyPoints: { label: "Points", balance: { int: 150 } },
    });

    expect(first.outcome).toBe("inserted");
    expect(second.outcome).toBe("patched");
    expect(second.resource.loyaltyPoints?.balance.int).toBe(150);
    expect(apiRequests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "POST /walletobjects/v1/loyaltyClass 200",
      "POST /walletobjects/v1/loyaltyObject 200",
      "POST /walletobjects/v1/loyaltyObject 409",
      `PATCH /walletobjects/v1/loyaltyObject/${OBJECT_ID} 200`,
    ]);
    expect(lastBody()).not.toHaveProperty("notifyPreference");
  });

  it("patches an existing class on upsert", async () => {
    const client = walletClient();
    await client.upsertLoyaltyClass(loyaltyClass);

    const again = await client.upsertLoyaltyClass({ ...loyaltyClass, programName: "Beans+" });

    expect(again.outcome).toBe("patched");
    expect(recorder.classes.get(CLASS_ID)?.programName).toBe("Beans+");
  });

  it("returns undefined for an object Google does not know", async () => {
    expect(await walletClient().getLoyaltyObject(OBJECT_ID)).toBeUndefined();
  });

  it("refuses ids of another issuer without calling Google", async () => {
    const failure = await walletClient()
      .upsertLoyaltyObject({ ...loyaltyObject, id: "999.someone-else" })
      .catch((e) => e);

    expect(failure).toMatchObject({ code: "invalid_request", retryable: false });
    expect(recorder.requests).toHaveLength(0);
  });
});

describe("Google Wallet client: notifications", () => {
  beforeEach(async () => {
    const client = walletClient();
    await client.upsertLoyaltyClass(loyaltyClass);
    await client.upsertLoyaltyObject(loyaltyObject);
  });

  it("asks Google to notify on a patch only when told to", async () => {
    const client = walletClient();

    await client.patchLoyaltyObject(
      OBJECT_ID,
      { loyaltyPoints: { label: "Points", balance: { int: 200 } } },
      {
        notify: true,
      },
    );
    expect(lastBody()).toMatchObject({
      notifyPreference: "NOTIFY_ON_UPDATE",
      loyaltyPoints: { balance: { int: 200 } },
    });

    const patched = await client.patchLoyaltyObject(
      OBJECT_ID,
      { loyaltyPoints: { label: "Points", balance: { int: 210 } } },
      { notify: false },
    );
    expect(lastBody()).not.toHaveProperty("notifyPreference");
    expect(patched.loyaltyPoints?.balance.int).toBe(210);
  });

  it("drops a notifyPreference smuggled into the patch itself", async () => {
    const patch = { state: "ACTIVE", notifyPreference: "NOTIFY_ON_UPDATE" } as unknown as Parameters<
      ReturnType<typeof walletClient>["patchLoyaltyObject"]
    >[1];

    await walletClient().patchLoyaltyObject(OBJECT_ID, patch, { notify: false });

    expect(lastBody()).toEqual({ state: "ACTIVE" });
  });

  it("adds a notifying message as TEXT_AND_NOTIFY and a silent one as TEXT", async () => {
    const client = walletClient();

    await client.addMessage(
      OBJECT_ID,
      { id: "m1", header: "Double points", body: "All week" },
      { notify: true },
    );
    expect(lastBody()).toEqual({
      message: { id: "m1", header: "Double points", body: "All week", messageType: "TEXT_AND_NOTIFY" },
    });

    const resource = await client.addMessage(
      OBJECT_ID,
      { id: "m2", header: "Hi", body: "Quiet" },
      { notify: false },
    );
    expect(lastBody()).toMatchObject({ message: { id: "m2", messageType: "TEXT" } });
    expect(resource.messages?.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(apiRequests().at(-1)?.path).toBe(`/walletobjects/v1/loyaltyObject/${OBJECT_ID}/addMessage`);
  });
});

describe("Google Wallet client: failures", () => {
  it("retries transient 503s with backoff and succeeds", async () => {
    recorder.failNext(503, 2);

    const result = await walletClient().upsertLoyaltyClass(loyaltyClass);

    expect(result.outcome).toBe("inserted");
    expect(apiRequests().map((r) => r.status)).toEqual([503, 503, 200]);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it("gives up after maxAttempts with a retryable typed error", async () => {
    recorder.failNext(429, 100);

    const failure = await walletClient({ maxAttempts: 3 })
      .upsertLoyaltyClass(loyaltyClass)
      .catch((e) => e);

    expect(failure).toBeInstanceOf(GoogleWalletError);
    expect(failure).toMatchObject({ code: "rate_limited", httpStatus: 429, retryable: true });
    expect(apiRequests()).toHaveLength(3);
  });

  it("does not retry a 404 and reports it typed", async () => {
    const failure = await walletClient()
      .patchLoyaltyObject(OBJECT_ID, { state: "INACTIVE" }, { notify: false })
      .catch((e) => e);

    expect(failure).toMatchObject({
      code: "not_found",
      httpStatus: 404,
      reason: "NOT_FOUND",
      retryable: false,
    });
    expect(apiRequests()).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("retries when the network fails, then reports a network error", async () => {
    const failingFetch = vi.fn<typeof fetch>(async (input, init) => {
      if (String(input).startsWith(recorder.baseUrl)) throw new TypeError("fetch failed");
      return fetch(input, init);
    });

    const failure = await walletClient({ fetch: failingFetch })
      .getLoyaltyObject(OBJECT_ID)
      .catch((e) => e);

    expect(failure).toMatchObject({ code: "network", retryable: true });
    expect(sleep).toHaveBeenCalledTimes(3);
  });
});

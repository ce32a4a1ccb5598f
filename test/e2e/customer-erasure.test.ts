import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_GOOGLE_ISSUER_ID, LOCAL_PASS_TYPE_ID } from "../../infra/local/wallet.ts";
import { startLocalWebhooks } from "../../infra/local/webhooks.ts";
import { googleIds } from "../../passes/member-pass.ts";
import { systemClock } from "../../shared/clock.ts";
import { runtimeKeyBackend } from "../../shared/keys/key-backend.ts";
import { statementPage } from "../../shared/statements/statement.ts";
import { verifyStatement } from "../../shared/statements/verify.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import { listPassDevices } from "../../shared/store/pass-devices.ts";
import { asCustomer, enrolCustomer, portalTokenFor } from "../support/portal.ts";
import { loyaltyApi } from "../support/rewards-fixtures.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { appleCall, eventually } from "../support/wallet.ts";
import { unzipPkpass } from "../unit/passes/apple-pkpass-tools.ts";

/**
 * Erasure through the whole local stack, wallet, notifications and webhooks running: a member with every
 * kind of personal data is erased, then the whole table is scanned for any of their values.
 */

// Distinctive values, so a hit in the scan can only be this member's.
const NAME = "Zéphyrine Quillebœuf-Marchetti";
const NAME_WORDS = ["Zéphyrine", "Quillebœuf", "Marchetti", "zephyrine", "quilleboeuf", "marchetti"];
const PHONE_FORMS = ["+33687654329", "0687654329", "06 87 65 43 29", "687654329"];
const EMAIL = "zephyrine.quillebouf@example.org";
const NOTE = "Given by hand after the Xylophonique birthday party";
const CLAIM_TEXT = "My receipt Wombatelle-7731 got no points";
const REFUND_NOTE = "She spilled the Quokkaccino";
const HOLD_NOTE = "Held for the Pangolinesque anniversary";
const PUSH_TOKEN = "f00dfacecafe".repeat(4);
const DEVICE = "device-erasure-test-01";

let stack: TestStack;
let webhooks: Awaited<ReturnType<typeof startLocalWebhooks>>;
let receiver: Server;
const received: string[] = [];
let alice: string;
let customerId: string;
let portalToken: string;
let passSerial: string;
let importId: string;
let claimId: string;
let holdId: string;
/** The create and the manual points, sent again with their keys after the erasure. */
const CREATE_BODY = { name: NAME, phone: PHONE_FORMS[2], email: EMAIL, marketingConsent: true, locale: "fr" };
const createKey = randomUUID();
const manualKey = randomUUID();
const MANUAL_BODY = { points: 50, reason: "goodwill", note: NOTE };

const headers = () => ({ "idempotency-key": randomUUID() });
const IMPORT_COLUMNS = { name: "Client", phone: "Mobile", balance: "Points" };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  stack = await startTestStack({ wallet: true, notifications: true, pollIntervalMs: 50 });
  webhooks = await startLocalWebhooks({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: stack.db.table,
    pollIntervalMs: 50,
  });
  alice = await stack.token("alice");
  const endpoint = await stack.call("POST", "/v1/webhooks", {
    token: alice,
    body: {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      eventTypes: ["customer.created", "entry.created"],
    },
    headers: headers(),
  });
  expect(endpoint.status).toBe(201);

  const created = await stack.call("POST", "/v1/customers", {
    token: alice,
    body: CREATE_BODY,
    headers: { "idempotency-key": createKey },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  customerId = created.body.customer.id;
  const customer = await readCustomer(stack.db, DEMO.merchantId, customerId);
  passSerial = customer?.passSerial as string;

  // An earn at a till, and points by hand with a note.
  expect(
    (
      await stack.call("POST", "/v1/transactions", {
        token: alice,
        body: { customerId, locationId: "paris-01", type: "purchase", amount: "142.00", currency: "EUR" },
        headers: headers(),
      })
    ).status,
  ).toBe(201);
  const manual = await stack.call("POST", `/v1/customers/${customerId}/points`, {
    token: alice,
    body: MANUAL_BODY,
    headers: { "idempotency-key": manualKey },
  });
  expect(manual.status, JSON.stringify(manual.body)).toBe(201);

  // Manual points over the hold limit: kept as a hold with its note, waiting for a second person.
  const limit = await stack.call("PATCH", "/v1/settings", {
    token: alice,
    body: { alertRules: { holdManualPointsAbove: 1000 } },
  });
  expect(limit.status, JSON.stringify(limit.body)).toBe(200);
  const held = await stack.call("POST", `/v1/customers/${customerId}/points`, {
    token: alice,
    body: { points: 5000, reason: "goodwill", note: HOLD_NOTE },
    headers: headers(),
  });
  expect(held.status, JSON.stringify(held.body)).toBe(202);
  holdId = held.body.hold.id;

  // An import still receiving its file, whose first part has a line with the member's name and phone.
  const started = await stack.call("POST", "/v1/imports", {
    token: alice,
    body: { platform: "Fidelizz", asOf: "2026-11-30", delimiter: ";", columns: IMPORT_COLUMNS },
    headers: headers(),
  });
  expect(started.status).toBe(201);
  importId = started.body.import.id;
  const part = await stack.call("POST", `/v1/imports/${importId}/parts`, {
    token: alice,
    body: {
      part: 1,
      lines: [
        "Client;Mobile;Points",
        "Other Person;0611111111;3",
        `${NAME};0611111112;9`,
        `Z. Q.;${PHONE_FORMS[2]};4`,
      ],
      last: false,
    },
    headers: headers(),
  });
  expect(part.status, JSON.stringify(part.body)).toBe(200);
  // And one whose dry run is done: a line merges into the member by e-mail, which its SEEN# item holds.
  const validated = await stack.call("POST", "/v1/imports", {
    token: alice,
    body: { platform: "Fidelizz", asOf: "2026-11-30", columns: { name: "n", email: "e", balance: "b" } },
    headers: headers(),
  });
  const checked = await stack.call("POST", `/v1/imports/${validated.body.import.id}/parts`, {
    token: alice,
    body: { part: 1, lines: ["n,e,b", `Z Q,${EMAIL.toUpperCase()},5`], last: true },
    headers: headers(),
  });
  expect(checked.body.import, JSON.stringify(checked.body)).toMatchObject({
    status: "validated",
    counts: { merge: 1 },
  });

  // A reward redeemed, then cancelled with a note: the refund entry and the redemption both hold it.
  const loyalty = loyaltyApi(stack, alice);
  const reward = await loyalty.reward({ name: "Free coffee", points: 100 });
  const redemption = await loyalty.redeemed(customerId, reward.id);
  const refund = await loyalty.refund(redemption.id, { note: REFUND_NOTE });
  expect(refund.status, JSON.stringify(refund.body)).toBe(200);

  portalToken = await portalTokenFor(stack, customerId);
  const claim = await asCustomer(
    stack,
    portalToken,
    "POST",
    "/v1/me/claims",
    {
      occurredAt: new Date(Date.now() - 3600_000).toISOString(),
      locationId: "lyon-01",
      description: CLAIM_TEXT,
    },
    headers(),
  );
  expect(claim.status, JSON.stringify(claim.body)).toBe(201);
  claimId = claim.body.claim.id;

  const registered = await appleCall(
    stack,
    "POST",
    `/v1/devices/${DEVICE}/registrations/${LOCAL_PASS_TYPE_ID}/${passSerial}`,
    { token: customer?.passToken as string, body: { pushToken: PUSH_TOKEN } },
  );
  expect(registered.status).toBe(201);

  // The welcome e-mail went out, the Google object exists, the webhook carried the name.
  await eventually(
    async () => {
      const response = await stack.call("GET", `/v1/customers/${customerId}/notifications`, { token: alice });
      return response.body.notifications.some((n: { status: string }) => n.status === "sent") || undefined;
    },
    10_000,
    "welcome sent",
  );
  await eventually(async () => wallet().google.objects.get(objectId()), 10_000, "Google object");
  await eventually(async () => received.some((body) => body.includes(EMAIL)) || undefined, 10_000, "webhook");
}, 60_000);

afterAll(async () => {
  await webhooks?.close();
  await stack?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

function wallet() {
  if (!stack.wallet) throw new Error("the stack was started without its wallet");
  return stack.wallet;
}

const objectId = () => googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, passSerial).objectId;

const erase = (id: string, token: string, key: string, confirm: unknown = id) =>
  stack.call("DELETE", `/v1/customers/${id}`, {
    token,
    body: { confirm },
    headers: { "idempotency-key": key },
  });

/** Every item of the table, every page, as the raw Scan returns it. */
async function scanTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.db.client.send(
      new ScanCommand({ TableName: stack.db.table, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();

describe("erasing a member", () => {
  it("is refused without the confirmation, to another merchant and to staff without customers:erase", async () => {
    const missing = await stack.call("DELETE", `/v1/customers/${customerId}`, {
      token: alice,
      body: {},
      headers: headers(),
    });
    expect(missing.status).toBe(400);
    const wrong = await erase(customerId, alice, randomUUID(), "cus_someone_else");
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain("confirm");
    expect((await erase(customerId, await stack.token("mallory"), randomUUID())).status).toBe(404);
    expect((await erase(customerId, await stack.token("bob"), randomUUID())).status).toBe(403);
    const untouched = await readCustomer(stack.db, DEMO.merchantId, customerId);
    expect(untouched).toMatchObject({ name: NAME, email: EMAIL });
    expect(untouched?.erasedAt).toBeUndefined();
  });

  it("erases, and a replay with the same key gives the same answer", async () => {
    const key = randomUUID();
    const first = await erase(customerId, alice, key);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.erasure).toEqual({ customerId, erasedAt: expect.any(String) });
    const again = await erase(customerId, alice, key);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    // Another key: already erased, the first time is the answer.
    expect((await erase(customerId, alice, randomUUID())).body).toEqual(first.body);
  });

  it("voids the Apple pass with a push, then forgets the push token; the Google object expires", async () => {
    await wallet().apns.waitFor((delivery) => delivery.token === PUSH_TOKEN, 10_000);
    await eventually(
      async () => ((await listPassDevices(stack.db, passSerial)).length === 0 ? true : undefined),
      10_000,
      "push token deleted",
    );
    // The device still finds its changed pass and fetches the void one.
    const changed = await appleCall(
      stack,
      "GET",
      `/v1/devices/${DEVICE}/registrations/${LOCAL_PASS_TYPE_ID}`,
    );
    expect(changed.json.serialNumbers).toContain(passSerial);
    const customer = await readCustomer(stack.db, DEMO.merchantId, customerId);
    const pass = await appleCall(stack, "GET", `/v1/passes/${LOCAL_PASS_TYPE_ID}/${passSerial}`, {
      token: customer?.passToken as string,
    });
    expect(pass.status).toBe(200);
    const { passJson } = await unzipPkpass(pass.bytes);
    expect(passJson.voided).toBe(true);
    expect(JSON.stringify(passJson)).not.toContain("Marchetti");
    await eventually(
      async () => (wallet().google.objects.get(objectId())?.state === "EXPIRED" ? true : undefined),
      10_000,
      "Google object expired",
    );
  });

  it("leaves the member readable by id with no personal data, unfindable, and their portal link refused", async () => {
    const shown = await stack.call("GET", `/v1/customers/${customerId}`, { token: alice });
    expect(shown.status).toBe(200);
    expect(shown.body.customer).toMatchObject({
      id: customerId,
      name: "",
      phone: null,
      email: null,
      marketingConsent: false,
      balance: 192,
      erasedAt: expect.any(String),
    });
    for (const q of ["Marchetti", "Zéphyrine Quillebœuf-Marchetti", EMAIL, PHONE_FORMS[1]]) {
      const found = await stack.call("GET", `/v1/customers?q=${encodeURIComponent(q as string)}`, {
        token: alice,
      });
      expect(found.status).toBe(200);
      expect(found.body.customers, q).toEqual([]);
    }
    expect((await asCustomer(stack, portalToken, "GET", "/v1/me")).status).toBe(401);
    const ledger = await stack.call("GET", `/v1/customers/${customerId}/ledger`, { token: alice });
    expect(ledger.body.entries.map((e: { points: number }) => e.points)).toEqual([100, -100, 50, 142]);
    expect(ledger.body.entries.map((e: { note: unknown }) => e.note)).toEqual([null, null, null, null]);
  });

  it("keeps the chain verifiable: the API check and the offline statement verifier", async () => {
    const verify = await stack.call("GET", `/v1/customers/${customerId}/ledger/verify`, { token: alice });
    expect(verify.body).toMatchObject({ valid: true, entries: 4 });
    const deps = { db: stack.db, clock: systemClock, backend: runtimeKeyBackend(stack.db, systemClock) };
    const statement = await statementPage(deps, { merchantId: DEMO.merchantId, customerId }, stack.baseUrl);
    const jwks = (await stack.call("GET", `/v1/merchants/${DEMO.merchantId}/jwks.json`)).body;
    expect(await verifyStatement(statement, jwks)).toMatchObject({ valid: true });
  });

  it("leaves none of the member's personal values anywhere in the table", async () => {
    const values = [
      NAME,
      ...NAME_WORDS,
      ...PHONE_FORMS,
      EMAIL,
      NOTE,
      "Xylophonique",
      CLAIM_TEXT,
      "Wombatelle",
      REFUND_NOTE,
      "Quokkaccino",
      HOLD_NOTE,
      "Pangolinesque",
      PUSH_TOKEN,
    ];
    const items = await scanTable();
    expect(items.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const item of items) {
      const text = fold(JSON.stringify(item));
      const found = values.filter((value) => text.includes(fold(value)));
      if (found.length > 0) hits.push(`${item.pk} ${item.sk}: ${found.join(", ")}`);
    }
    // Stored answers of Idempotency-Keys (the create, the manual points, the refund, the claim) included.
    expect(hits).toEqual([]);
    const createRecord = items.find((item) => String(item.pk).endsWith(`#IDEMPOTENCY#${createKey}`));
    expect(createRecord).toMatchObject({ fingerprint: expect.any(String), erasedAt: expect.any(String) });
    expect(createRecord?.result).toBeUndefined();
    // The import's part lost the member's line only; the file goes on, and that line is a blank one.
    const storedPart = items.find(
      (item) => String(item.pk).endsWith(`#IMPORT#${importId}`) && item.sk === "PART#00001",
    );
    // Found by the name on one line, by the phone as typed on the other.
    expect(storedPart?.lines).toEqual(["Client;Mobile;Points", "Other Person;0611111111;3", "", ""]);
    // The pointers that found those answers went with them.
    const pointers = items.filter(
      (item) => String(item.pk).endsWith(customerId) && String(item.sk).startsWith("IDEMPOTENCY_KEY#"),
    );
    expect(pointers).toEqual([]);
  });

  it("answers a replay of a request whose answer named the member 410, doing nothing again", async () => {
    const replayedCreate = await stack.call("POST", "/v1/customers", {
      token: alice,
      body: CREATE_BODY,
      headers: { "idempotency-key": createKey },
    });
    expect(replayedCreate.status).toBe(410);
    expect(replayedCreate.headers.get("content-type")).toContain("application/problem+json");
    expect(JSON.stringify(replayedCreate.body)).not.toMatch(/Marchetti|zephyrine|0687654329|87654329/i);
    const replayedPoints = await stack.call("POST", `/v1/customers/${customerId}/points`, {
      token: alice,
      body: MANUAL_BODY,
      headers: { "idempotency-key": manualKey },
    });
    expect(replayedPoints.status).toBe(410);
    expect(JSON.stringify(replayedPoints.body)).not.toContain("Xylophonique");
    // The key still guards its request: another body under it is a reuse, not a new write.
    const reused = await stack.call("POST", "/v1/customers", {
      token: alice,
      body: { name: "Someone Else" },
      headers: { "idempotency-key": createKey },
    });
    expect(reused.status).toBe(422);
    const ledger = await stack.call("GET", `/v1/customers/${customerId}/ledger`, { token: alice });
    expect(ledger.body.entries).toHaveLength(4);
  });

  it("refuses new points, contacts, redemptions and portal links for the member, writing nothing", async () => {
    // A manager other than the hold's requester, so the approval reaches the member's profile.
    const manager = await stack.call("POST", "/v1/staff", {
      token: alice,
      body: { name: "Mia Manager", role: "manager", locationIds: "*" },
      headers: headers(),
    });
    expect(manager.status, JSON.stringify(manager.body)).toBe(201);
    const mia = await stack.tokenFor(manager.body.staff.id);
    const reward = await loyaltyApi(stack, alice).reward({ name: "Free croissant", points: 100 });
    const before = await stack.call("GET", `/v1/customers/${customerId}/ledger`, { token: alice });
    const post = (path: string, body: unknown, token = alice) =>
      stack.call("POST", path, { token, body, headers: headers() });
    const refusals = {
      manual: await post(`/v1/customers/${customerId}/points`, { points: 10, reason: "goodwill" }),
      // Over the hold limit: not even kept as a hold.
      hold: await post(`/v1/customers/${customerId}/points`, { points: 5000, reason: "goodwill" }),
      holdApproval: await post(`/v1/holds/${holdId}/approve`, undefined, mia),
      earn: await post("/v1/transactions", {
        customerId,
        locationId: "paris-01",
        type: "purchase",
        amount: "20.00",
        currency: "EUR",
      }),
      redemption: await post("/v1/redemptions", { customerId, rewardId: reward.id, locationId: "paris-01" }),
      claimApproval: await post(`/v1/claims/${claimId}/approve`, { points: 10 }),
      portalLink: await post(`/v1/customers/${customerId}/portal-link`, {}),
      contacts: await stack.call("PATCH", `/v1/customers/${customerId}`, {
        token: alice,
        body: { name: "New Name", email: "new.address@example.org" },
      }),
    };
    for (const [write, response] of Object.entries(refusals)) {
      expect(response.status, `${write}: ${JSON.stringify(response.body)}`).toBe(409);
      expect(response.headers.get("content-type"), write).toContain("application/problem+json");
      expect(response.body, write).toMatchObject({
        type: "https://loyalty-wallet.dev/problems/customer-erased",
        customerId,
        erasedAt: expect.any(String),
      });
      expect(response.body.detail, write).toContain("erased");
    }
    const after = await stack.call("GET", `/v1/customers/${customerId}/ledger`, { token: alice });
    expect(after.body.entries).toEqual(before.body.entries);
    const shown = await stack.call("GET", `/v1/customers/${customerId}`, { token: alice });
    expect(shown.body.customer).toMatchObject({ name: "", email: null, balance: 192 });
    // The hold and the claim wait as they were, and no redemption of the reward exists.
    const holds = await stack.call("GET", "/v1/holds", { token: alice });
    expect(holds.body.holds.find((h: { id: string }) => h.id === holdId)).toMatchObject({
      status: "pending",
    });
    const items = await scanTable();
    const claim = items.find((item) => item.pk === `MERCHANT#${DEMO.merchantId}#POINTSCLAIM#${claimId}`);
    expect(["pending", "already_credited"]).toContain(claim?.status);
    expect(claim?.decision).toBeUndefined();
    expect(items.filter((item) => item.rewardId === reward.id && item.customerId === customerId)).toEqual([]);
    const profile = await readCustomer(stack.db, DEMO.merchantId, customerId);
    expect(profile?.email).toBeUndefined();
  });

  it("makes a new member of someone joining again with the same phone and e-mail", async () => {
    const again = await stack.call("POST", "/v1/customers", {
      token: alice,
      body: { name: NAME, phone: PHONE_FORMS[0], email: EMAIL },
      headers: headers(),
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.customer.id).not.toBe(customerId);
    expect(again.body.customer.balance).toBe(0);
  });
});

describe("a member erasing themselves from the portal", () => {
  it("needs the confirmation, erases, and the link stops working", async () => {
    const id = await enrolCustomer(stack, {
      name: "Ondine Brasseur-Lapérouse",
      email: "ondine.b@example.org",
    });
    const token = await portalTokenFor(stack, id);
    const unconfirmed = await asCustomer(stack, token, "DELETE", "/v1/me", {}, headers());
    expect(unconfirmed.status).toBe(400);
    expect(JSON.stringify(unconfirmed.body)).toContain("confirm");
    const key = randomUUID();
    const erased = await asCustomer(
      stack,
      token,
      "DELETE",
      "/v1/me",
      { confirm: "erase" },
      { "idempotency-key": key },
    );
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.erasure.customerId).toBe(id);
    expect((await asCustomer(stack, token, "GET", "/v1/me")).status).toBe(401);
    const profile = await readCustomer(stack.db, DEMO.merchantId, id);
    expect(profile).toMatchObject({ name: "", erasedAt: erased.body.erasure.erasedAt });
    expect(profile?.email).toBeUndefined();
  });
});

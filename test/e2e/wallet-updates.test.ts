import { createPublicKey, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_GOOGLE_ISSUER_ID, LOCAL_PASS_TYPE_ID } from "../../infra/local/wallet.ts";
import { MAX_ACCOUNT_ID_LENGTH } from "../../passes/google/account-id.ts";
import { SAVE_URL_PREFIX } from "../../passes/google/save-link.ts";
import { googleIds } from "../../passes/member-pass.ts";
import { listPassDevices } from "../../shared/store/pass-devices.ts";
import { setProgramTiers, twelveMonthTiers } from "../support/program-tiers.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { appleCall, eventually, memberPass, passBalance } from "../support/wallet.ts";
import { passBundleProblems, pngSize } from "../unit/passes/apple-pass-rules.ts";
import { removeUnzippedPasses, unzipPkpass } from "../unit/passes/apple-pkpass-tools.ts";

const camille = DEMO.customers.camille;
let stack: TestStack;
let alice: string;
let pass: { serialNumber: string; authenticationToken: string };

beforeAll(async () => {
  stack = await startTestStack({ wallet: true });
  alice = await stack.token("alice");
  pass = await memberPass(stack, DEMO.merchantId, camille.id);
});
afterAll(async () => {
  await stack?.close();
  await removeUnzippedPasses();
});

const wallet = () => {
  if (!stack.wallet) throw new Error("the stack was started without its wallet");
  return stack.wallet;
};

const register = (device: string, pushToken: string) =>
  appleCall(stack, "POST", `/v1/devices/${device}/registrations/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`, {
    token: pass.authenticationToken,
    body: { pushToken },
  });

const listChanged = (device: string, since?: string) =>
  appleCall(
    stack,
    "GET",
    `/v1/devices/${device}/registrations/${LOCAL_PASS_TYPE_ID}${since ? `?passesUpdatedSince=${since}` : ""}`,
  );

/**
 * The first push to this token since `earlier` (the deliveries seen before the change), and then the device's
 * question answered with the pass: a delivery an earlier test left in the stream can still push to a device
 * registered since, so only a push after the change is its own, and the answer comes once its delivery has
 * moved the update tag on (it writes the tag before it pushes).
 */
async function pushedAndChanged(
  earlier: ReadonlySet<unknown>,
  pushToken: string,
  device: string,
  tag: string,
) {
  const push = await wallet().apns.waitFor((d) => d.token === pushToken && !earlier.has(d), 10_000);
  const changed = await eventually(
    async () => {
      const response = await listChanged(device, tag);
      return response.status === 200 ? response : undefined;
    },
    5_000,
    "the pass among the device's changed passes",
  );
  return { push, changed };
}

const fetchPass = (headers: Record<string, string> = {}) =>
  appleCall(stack, "GET", `/v1/passes/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`, {
    token: pass.authenticationToken,
    headers,
  });

/** Last-Modified, checked never to be later than the response's Date (RFC 9110 §8.8.2.1). */
const lastModifiedOf = (response: { headers: Headers }) => {
  const lastModified = response.headers.get("last-modified") as string;
  expect(Date.parse(lastModified)).toBeLessThanOrEqual(Date.parse(response.headers.get("date") as string));
  return lastModified;
};

/** Until the clock has passed an update tag (epoch seconds), which rapid updates can run ahead of it. */
const clockPast = (tag: string) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, (Number(tag) + 1) * 1000 - Date.now())));

const earn = async (amount: string) => {
  const response = await stack.call("POST", "/v1/transactions", {
    token: alice,
    headers: { "idempotency-key": randomUUID() },
    body: { barcode: camille.barcode, locationId: "paris-01", type: "purchase", amount, currency: "EUR" },
  });
  expect(response.status).toBe(201);
  return response.body.transaction.balanceAfter as number;
};

const removesRegistrationOn = (status: number, reason: string, device: string) => async () => {
  const pushToken = `gone-${randomUUID()}`;
  expect((await register(device, pushToken)).status).toBe(201);
  wallet().apns.respondWith(pushToken, status, reason);

  await earn("3.00");
  const refused = await wallet().apns.waitFor((delivery) => delivery.token === pushToken, 5_000);
  expect(refused.status).toBe(status);
  await eventually(
    async () =>
      (await listPassDevices(stack.db, pass.serialNumber)).some((d) => d.pushToken === pushToken)
        ? undefined
        : true,
    5_000,
    "registration removed",
  );
  expect((await listChanged(device)).status).toBe(204);
};

describe("a balance change reaches the member's wallets", () => {
  it("pushes to the registered device, which then finds and fetches the updated pass", async () => {
    const device = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    const pushToken = `push-${randomUUID()}`;
    expect((await register(device, pushToken)).status).toBe(201);
    const first = await listChanged(device);
    expect(first.status).toBe(200);
    const tag = first.json.lastUpdated as string;

    const earlier = new Set(wallet().apns.deliveries);
    const balance = await earn("12.30");
    const { push, changed } = await pushedAndChanged(earlier, pushToken, device, tag);
    expect(push).toMatchObject({ topic: LOCAL_PASS_TYPE_ID, body: "{}", status: 200 });
    expect(push.headers["apns-push-type"]).toBe("background");
    expect(changed.json.serialNumbers).toEqual([pass.serialNumber]);
    expect(typeof changed.json.lastUpdated).toBe("string");
    expect(Number(changed.json.lastUpdated)).toBeGreaterThan(Number(tag));

    await clockPast(changed.json.lastUpdated);
    const fetched = await fetchPass();
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    expect(await passBalance(fetched.bytes)).toBe(balance);
    const lastModified = lastModifiedOf(fetched);
    expect(new Date(lastModified).getTime() / 1000).toBe(Number(changed.json.lastUpdated));

    const again = await fetchPass({ "if-modified-since": lastModified });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    // Nothing changed since: the device is told so.
    expect((await listChanged(device, changed.json.lastUpdated)).status).toBe(204);
  });

  it(
    "removes a registration when APNs answers 410 Unregistered",
    removesRegistrationOn(410, "Unregistered", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
  );

  it("patches the Google object with the new balance, notifying within the quota", async () => {
    const { objectId } = googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, pass.serialNumber);
    const objectPath = `/walletobjects/v1/loyaltyObject/${encodeURIComponent(objectId)}`;
    // Created silently from the enrolment's stream record.
    await eventually(async () => wallet().google.objects.get(objectId), 5_000, "Google object created");

    const balance = await earn("7.00");
    const patch = await eventually(
      async () =>
        wallet().google.requests.find(
          (r) =>
            r.method === "PATCH" &&
            r.path === objectPath &&
            (r.body as { loyaltyPoints?: { balance?: { int?: number } } }).loyaltyPoints?.balance?.int ===
              balance,
        ),
      5_000,
      "Google patch",
    );
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ notifyPreference: "NOTIFY_ON_UPDATE" });
    expect(wallet().google.objects.get(objectId)).toMatchObject({
      loyaltyPoints: { balance: { int: balance } },
    });
  });

  it("gives the Google object a short accountId and human expiry dates in the member's language", async () => {
    const { objectId } = googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, pass.serialNumber);
    await earn("5.00");
    const object = await eventually(
      async () => {
        const stored = wallet().google.objects.get(objectId) as
          | { accountId?: string; textModulesData?: Array<{ id?: string; body?: string }> }
          | undefined;
        return stored?.textModulesData?.some((m) => m.id === "expiry") ? stored : undefined;
      },
      5_000,
      "Google object with expiring points",
    );
    expect(object.accountId).toBe(camille.barcode);
    expect(object.accountId?.length).toBeLessThanOrEqual(MAX_ACCOUNT_ID_LENGTH);
    // Camille is French: "12 pts expirent le 1 déc. 2027".
    const expiry = object.textModulesData?.find((m) => m.id === "expiry")?.body;
    expect(expiry).toMatch(/^\d[\d\u202f ]* pts? expirent? le \d{1,2} \p{L}+\.? \d{4}$/u);
    expect(expiry).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("points the Google class at a logo the local stack serves", async () => {
    const { classId } = googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, pass.serialNumber);
    const loyaltyClass = await eventually(async () => wallet().google.classes.get(classId), 5_000, "class");
    const uri = (loyaltyClass as { programLogo: { sourceUri: { uri: string } } }).programLogo.sourceUri.uri;
    const logo = await fetch(uri);
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(pngSize(Buffer.from(await logo.arrayBuffer()))).toEqual({ width: 660, height: 660 });
  });
});

// After the Google tests: their notifying patches fit in Google's quota only before these earns.
describe("more Apple updates", () => {
  it(
    "removes a registration when APNs answers 400 BadDeviceToken",
    removesRegistrationOn(400, "BadDeviceToken", "0badd0badd0badd0badd0badd0badd0b"),
  );

  it("after rapid earns, serves Last-Modified never later than Date, and the latest pass to an older copy", async () => {
    const device = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
    expect((await register(device, `rapid-${randomUUID()}`)).status).toBe(201);
    const before = await fetchPass();
    const copy = lastModifiedOf(before);
    let balance = 0;
    for (const amount of ["1.00", "2.00", "3.00", "4.00"]) balance = await earn(amount);
    const latest = await eventually(
      async () => {
        const response = await fetchPass({ "if-modified-since": copy });
        lastModifiedOf(response);
        return response.status === 200 && (await passBalance(response.bytes)) === balance
          ? response
          : undefined;
      },
      10_000,
      "the latest pass",
    );
    // Only ever at or before the update time, which can only have moved on since.
    const tag = (await listChanged(device)).json.lastUpdated as string;
    expect(Date.parse(lastModifiedOf(latest))).toBeLessThanOrEqual(Number(tag) * 1000);
  });
});

// After every earn above: the multiplier the tiers bring would change their balances.
describe("a tier change reaches the member's wallets", () => {
  it("pushes when an earn promotes, and the re-fetched pass shows the new level with its lock-screen message", async () => {
    await setProgramTiers(
      stack,
      alice,
      DEMO.locations["paris-01"].programId,
      twelveMonthTiers([
        { name: "Silver", threshold: 20, multiplier: "1.25" },
        { name: "Gold", threshold: 1000, multiplier: "1.5" },
      ]),
    );
    const device = "7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e";
    const pushToken = `tier-${randomUUID()}`;
    expect((await register(device, pushToken)).status).toBe(201);
    const tag = (await listChanged(device)).json.lastUpdated as string;

    // 25 points qualify: Silver from 20, reached by this earn.
    const earlier = new Set(wallet().apns.deliveries);
    await earn("25.00");
    const { changed } = await pushedAndChanged(earlier, pushToken, device, tag);
    expect(changed.json.serialNumbers).toEqual([pass.serialNumber]);
    await clockPast(changed.json.lastUpdated);
    const fetched = await fetchPass();
    expect(fetched.status).toBe(200);
    const { passJson } = await unzipPkpass(fetched.bytes);
    // Camille is French.
    expect(passJson.storeCard.auxiliaryFields?.find((field) => field.key === "tier")).toEqual({
      key: "tier",
      label: "Niveau",
      value: "Silver",
      changeMessage: "Vous êtes maintenant %@",
    });
    expect(passJson.storeCard.backFields?.find((field) => field.key === "tierProgress1")?.value).toMatch(
      /^Encore 20 points d'ici le \d{1,2} \p{L}+\.?( \d{4})? pour rester Silver\nEncore 975 points pour devenir Gold$/u,
    );
    // Apple's rules (a changeMessage holds %@, keys unique…): the signature is checked by the suites above.
    expect(
      passBundleProblems(await unzipPkpass(fetched.bytes), { wwdrPath: "", checkSignature: false }),
    ).toEqual([]);

    // The Google object shows the level beside the balance, in her language.
    const { objectId } = googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, pass.serialNumber);
    await eventually(
      async () => {
        const object = wallet().google.objects.get(objectId) as
          | { secondaryLoyaltyPoints?: { label: string; balance: { string?: string } } }
          | undefined;
        return object?.secondaryLoyaltyPoints?.balance.string === "Silver" ? object : undefined;
      },
      5_000,
      "Google object with the tier",
    );
  });
});

describe("enrolment links", () => {
  it("returns a Google save link whose JWT verifies with the service account's public key", async () => {
    const enrolled = await stack.call("POST", "/v1/customers", {
      token: alice,
      headers: { "idempotency-key": randomUUID() },
      body: { name: "Noé Durand", locale: "fr" },
    });
    expect(enrolled.status).toBe(201);
    const url = enrolled.body.pass.googleWalletUrl as string;
    expect(url.startsWith(SAVE_URL_PREFIX)).toBe(true);

    const account = JSON.parse(
      await readFile(wallet().env.GOOGLE_SERVICE_ACCOUNT_FILE as string, "utf8"),
    ) as {
      private_key: string;
      client_email: string;
    };
    const jwt = url.slice(SAVE_URL_PREFIX.length);
    const { payload } = await jwtVerify(jwt, createPublicKey(account.private_key), {
      issuer: account.client_email,
      audience: "google",
      algorithms: ["RS256"],
    });
    const serial = (await memberPass(stack, DEMO.merchantId, enrolled.body.customer.id)).serialNumber;
    expect(payload).toMatchObject({
      typ: "savetowallet",
      payload: {
        loyaltyObjects: [googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, serial)].map((ids) => ({
          id: ids.objectId,
          classId: ids.classId,
        })),
      },
    });
    expect(decodeJwt(jwt).iat).toBeTypeOf("number");
  });
});

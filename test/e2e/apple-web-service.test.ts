import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_PASS_TYPE_ID } from "../../infra/local/wallet.ts";
import { signedAppleDownloadUrl } from "../../passes/download-links.ts";
import { listPassDevices } from "../../shared/store/pass-devices.ts";
import { bumpPass, readPass } from "../../shared/store/passes.ts";
import { conformingFetch } from "../support/openapi-validator.ts";
import { asCustomer, tokenOf } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { appleCall, eventually, memberPass } from "../support/wallet.ts";
import { OPENSSL_AVAILABLE, passBundleProblems } from "../unit/passes/apple-pass-rules.ts";
import { removeUnzippedPasses, unzipPkpass } from "../unit/passes/apple-pkpass-tools.ts";

/** Apple's PassKit web service, status by status, through the local API Gateway. */

const camille = DEMO.customers.camille;
let stack: TestStack;
let pass: { serialNumber: string; authenticationToken: string };

beforeAll(async () => {
  stack = await startTestStack({ wallet: true });
  pass = await memberPass(stack, DEMO.merchantId, camille.id);
});
afterAll(async () => {
  await stack?.close();
  await removeUnzippedPasses();
});

const registrationPath = (device: string, serial = pass.serialNumber, passType = LOCAL_PASS_TYPE_ID) =>
  `/v1/devices/${device}/registrations/${passType}/${serial}`;
const passPath = (serial = pass.serialNumber, passType = LOCAL_PASS_TYPE_ID) =>
  `/v1/passes/${passType}/${serial}`;
const newDevice = () => randomUUID().replaceAll("-", "");

/** Every way of not holding the pass's token; each must get the same 401. */
const badAuthorizations = () => [
  { what: "no Authorization header", options: {} },
  { what: "another scheme", options: { authorization: `Bearer ${pass.authenticationToken}` } },
  { what: "an empty ApplePass token", options: { authorization: "ApplePass " } },
  { what: "a malformed header", options: { authorization: `ApplePass${pass.authenticationToken}` } },
  { what: "a wrong token", options: { token: `${pass.authenticationToken.slice(0, -2)}xx` } },
];

describe("POST /apple/v1/devices/…/registrations/…: register", () => {
  it("answers 201 for a new registration and 200 when the device is registered already", async () => {
    const device = newDevice();
    const first = await appleCall(stack, "POST", registrationPath(device), {
      token: pass.authenticationToken,
      body: { pushToken: "token-1" },
    });
    expect(first.status).toBe(201);
    const again = await appleCall(stack, "POST", registrationPath(device), {
      token: pass.authenticationToken,
      body: { pushToken: "token-2" },
    });
    expect(again.status).toBe(200);
    // A re-registration brings the device's current push token.
    const devices = await listPassDevices(stack.db, pass.serialNumber);
    expect(devices.filter((d) => d.deviceLibraryIdentifier === device)).toEqual([
      { deviceLibraryIdentifier: device, pushToken: "token-2" },
    ]);
  });

  it("refuses with 401, and registers nothing, without the pass's token", async () => {
    const device = newDevice();
    for (const { what, options } of badAuthorizations()) {
      const response = await appleCall(stack, "POST", registrationPath(device), {
        ...options,
        body: { pushToken: "token-x" },
      });
      expect(response.status, what).toBe(401);
    }
    const unknownSerial = await appleCall(stack, "POST", registrationPath(device, "pass_NOSUCHSERIAL"), {
      token: pass.authenticationToken,
      body: { pushToken: "token-x" },
    });
    expect(unknownSerial.status).toBe(401);
    const otherPassType = await appleCall(
      stack,
      "POST",
      registrationPath(device, pass.serialNumber, "pass.other.type"),
      {
        token: pass.authenticationToken,
        body: { pushToken: "token-x" },
      },
    );
    expect(otherPassType.status).toBe(401);
    expect(
      (await listPassDevices(stack.db, pass.serialNumber)).map((d) => d.deviceLibraryIdentifier),
    ).not.toContain(device);
    expect(
      (await appleCall(stack, "GET", `/v1/devices/${device}/registrations/${LOCAL_PASS_TYPE_ID}`)).status,
    ).toBe(204);
  });

  it("answers 400 without a usable push token", async () => {
    const response = await appleCall(stack, "POST", registrationPath(newDevice()), {
      token: pass.authenticationToken,
      body: { pushToken: "has/slash" },
    });
    expect(response.status).toBe(400);
  });
});

describe("GET /apple/v1/devices/…/registrations/{passType}: serials updated since a tag", () => {
  it("lists the device's passes with a string tag, then 204 until one changes", async () => {
    const device = newDevice();
    await appleCall(stack, "POST", registrationPath(device), {
      token: pass.authenticationToken,
      body: { pushToken: "token-list" },
    });
    const all = await appleCall(stack, "GET", `/v1/devices/${device}/registrations/${LOCAL_PASS_TYPE_ID}`);
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ serialNumbers: [pass.serialNumber], lastUpdated: expect.any(String) });
    const since = await appleCall(
      stack,
      "GET",
      `/v1/devices/${device}/registrations/${LOCAL_PASS_TYPE_ID}?passesUpdatedSince=${all.json.lastUpdated}`,
    );
    expect(since.status).toBe(204);
    expect(since.bytes.length).toBe(0);
  });

  it.each([
    ["a word", "yesterday"],
    ["a negative number", "-5"],
    ["a fraction", "1772359201.5"],
    ["an empty value", ""],
  ])("treats a tag that is not ours (%s) like no tag: the full list, not 204", async (_what, tag) => {
    const device = newDevice();
    await appleCall(stack, "POST", registrationPath(device), {
      token: pass.authenticationToken,
      body: { pushToken: "token-garbled" },
    });
    const list = `/v1/devices/${device}/registrations/${LOCAL_PASS_TYPE_ID}`;
    const all = await appleCall(stack, "GET", list);
    const garbled = await appleCall(stack, "GET", `${list}?passesUpdatedSince=${encodeURIComponent(tag)}`);
    expect(garbled.status).toBe(200);
    expect(garbled.json).toEqual(all.json);
    expect(garbled.json.serialNumbers).toEqual([pass.serialNumber]);
  });

  it("answers 204 for a device that registered nothing", async () => {
    const response = await appleCall(
      stack,
      "GET",
      `/v1/devices/${newDevice()}/registrations/${LOCAL_PASS_TYPE_ID}`,
    );
    expect(response.status).toBe(204);
  });
});

describe("GET and HEAD /apple/v1/passes/{passType}/{serial}: the latest pass", () => {
  it("sends the signed pass with Last-Modified at the pass's update time, and 304 from then on", async () => {
    const response = await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    const lastModified = response.headers.get("last-modified") as string;
    const record = await readPass(stack.db, pass.serialNumber);
    const customer = await stack.call("GET", `/v1/customers/${camille.id}`, {
      token: await stack.token("alice"),
    });
    const updatedAt = record?.updatedAt ?? customer.body.customer.createdAt;
    // The update time, unless it is still ahead of the clock: never later than the response's Date.
    const date = Date.parse(response.headers.get("date") as string);
    expect(new Date(lastModified).getTime()).toBe(
      Math.min(Math.floor(Date.parse(updatedAt) / 1000) * 1000, date),
    );

    const at = { "if-modified-since": lastModified };
    expect(
      (await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken, headers: at })).status,
    ).toBe(304);
    const later = { "if-modified-since": new Date(Date.parse(lastModified) + 60_000).toUTCString() };
    expect(
      (await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken, headers: later })).status,
    ).toBe(304);
    const earlier = { "if-modified-since": new Date(Date.parse(lastModified) - 1_000).toUTCString() };
    expect(
      (await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken, headers: earlier }))
        .status,
    ).toBe(200);
  });

  it("is a pass that conforms to Apple's rules: signature (dev CA), manifest hashes, pass.json, images", async () => {
    const response = await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken });
    const bundle = await unzipPkpass(response.bytes);
    const wwdr = join(stack.wallet?.env.PASS_CERTIFICATES_DIR as string, "wwdr.pem");
    expect(passBundleProblems(bundle, { wwdrPath: wwdr, checkSignature: OPENSSL_AVAILABLE })).toEqual([]);
    expect(bundle.passJson).toMatchObject({
      passTypeIdentifier: LOCAL_PASS_TYPE_ID,
      serialNumber: pass.serialNumber,
      authenticationToken: pass.authenticationToken,
      webServiceURL: `${stack.baseUrl}/apple`,
      barcodes: [{ message: camille.barcode, format: "PKBarcodeFormatQR" }],
    });
    expect(await readFile(wwdr, "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("carries on its back a signed portal link that opens the member's own portal", async () => {
    const response = await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken });
    const { passJson } = await unzipPkpass(response.bytes);
    const portal = passJson.storeCard.backFields?.find((field) => field.key === "portal");
    const link = String(portal?.value);
    expect(link).toMatch(new RegExp(`^${stack.baseUrl}/portal#t=`));
    const me = await asCustomer(stack, tokenOf(link), "GET", "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ customer: { id: camille.id } });
  });

  it("answers HEAD with the headers and no body", async () => {
    const head = await appleCall(stack, "HEAD", passPath(), { token: pass.authenticationToken });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    expect(head.headers.get("last-modified")).toBeTruthy();
    expect(head.bytes.length).toBe(0);
    const notModified = await appleCall(stack, "HEAD", passPath(), {
      token: pass.authenticationToken,
      headers: { "if-modified-since": head.headers.get("last-modified") as string },
    });
    expect(notModified.status).toBe(304);
  });

  it("refuses with 401 without the pass's token, for GET and HEAD alike", async () => {
    for (const { what, options } of badAuthorizations()) {
      expect((await appleCall(stack, "GET", passPath(), options)).status, what).toBe(401);
      expect((await appleCall(stack, "HEAD", passPath(), options)).status, what).toBe(401);
    }
    expect(
      (await appleCall(stack, "GET", passPath("pass_NOSUCHSERIAL"), { token: pass.authenticationToken }))
        .status,
    ).toBe(401);
  });
});

describe("DELETE /apple/v1/devices/…/registrations/…: unregister", () => {
  it("answers 200 and stops listing the pass for the device; 401 without the token changes nothing", async () => {
    const device = newDevice();
    await appleCall(stack, "POST", registrationPath(device), {
      token: pass.authenticationToken,
      body: { pushToken: "token-del" },
    });
    for (const { what, options } of badAuthorizations()) {
      expect((await appleCall(stack, "DELETE", registrationPath(device), options)).status, what).toBe(401);
    }
    const list = `/v1/devices/${device}/registrations/${LOCAL_PASS_TYPE_ID}`;
    expect((await appleCall(stack, "GET", list)).status).toBe(200);

    expect(
      (await appleCall(stack, "DELETE", registrationPath(device), { token: pass.authenticationToken }))
        .status,
    ).toBe(200);
    expect((await appleCall(stack, "GET", list)).status).toBe(204);
    expect(
      (await listPassDevices(stack.db, pass.serialNumber)).map((d) => d.deviceLibraryIdentifier),
    ).not.toContain(device);
  });
});

describe("POST /apple/v1/log", () => {
  it("answers 200", async () => {
    const response = await appleCall(stack, "POST", "/v1/log", {
      body: { logs: ["Web service error: 503"] },
    });
    expect(response.status).toBe(200);
  });
});

describe("GET /v1/passes/{serial}/apple.pkpass: the signed download link from enrolment", () => {
  it("serves the pass to a valid link, and 403 to a tampered or expired one", async () => {
    const enrolled = await stack.call("POST", "/v1/customers", {
      token: await stack.token("alice"),
      headers: { "idempotency-key": randomUUID() },
      body: { name: "Inès Morel", locale: "en" },
    });
    expect(enrolled.status).toBe(201);
    const url = new URL(enrolled.body.pass.appleWalletUrl as string);
    expect(url.origin + url.pathname).toMatch(
      new RegExp(`^${stack.baseUrl}/v1/passes/[^/]+/apple\\.pkpass$`),
    );

    const download = await conformingFetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    const bundle = await unzipPkpass(Buffer.from(await download.arrayBuffer()));
    expect(bundle.passJson).toMatchObject({
      serialNumber: decodeURIComponent(url.pathname.split("/")[3] as string),
    });

    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 1));
    expect((await conformingFetch(tampered)).status).toBe(403);
    const unsigned = new URL(url);
    unsigned.searchParams.delete("sig");
    expect((await conformingFetch(unsigned)).status).toBe(403);

    const key = Buffer.from((await readFile(stack.wallet?.env.PASS_LINK_KEY_FILE as string, "utf8")).trim());
    const serial = bundle.passJson.serialNumber as string;
    const expired = signedAppleDownloadUrl(stack.baseUrl, key, serial, new Date(Date.now() - 1_000));
    expect((await conformingFetch(expired)).status).toBe(403);
    const fresh = signedAppleDownloadUrl(stack.baseUrl, key, serial, new Date(Date.now() + 60_000));
    expect((await conformingFetch(fresh)).status).toBe(200);
  });
});

describe("the web service after a change", () => {
  it("moves Last-Modified forward once the stream handler has seen an earn", async () => {
    const before = await readPass(stack.db, pass.serialNumber);
    const earned = await stack.call("POST", "/v1/transactions", {
      token: await stack.token("alice"),
      headers: { "idempotency-key": randomUUID() },
      body: { customerId: camille.id, locationId: "lyon-01", type: "visit" },
    });
    expect(earned.status).toBe(201);
    const after = await eventually(async () => {
      const record = await readPass(stack.db, pass.serialNumber);
      return record?.updateTag !== before?.updateTag ? record : undefined;
    });
    const response = await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken });
    const date = Date.parse(response.headers.get("date") as string);
    expect(response.headers.get("last-modified")).toBe(
      new Date(Math.min(Date.parse(after?.updatedAt as string), date)).toUTCString(),
    );
  });

  it("never sends Last-Modified after Date when rapid updates ran the update time ahead, nor 304 for an older copy", async () => {
    const current = await readPass(stack.db, pass.serialNumber, true);
    if (!current) throw new Error("no pass item");
    // Three updates inside a second, as the stream handler makes them: each moves the time a second on.
    let bumped = current;
    for (let i = 0; i < 3; i++) bumped = await bumpPass(stack.db, bumped, new Date());
    const changedAt = Date.parse(bumped.updatedAt as string);
    expect(changedAt).toBeGreaterThan(Date.now());

    const early = await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken });
    expect(early.status).toBe(200);
    const lastModified = early.headers.get("last-modified") as string;
    expect(Date.parse(lastModified)).toBeLessThanOrEqual(Date.parse(early.headers.get("date") as string));
    expect(Date.parse(lastModified)).toBeLessThan(changedAt);
    // That copy may predate the last update: the device gets the pass again, not a 304.
    const again = await appleCall(stack, "GET", passPath(), {
      token: pass.authenticationToken,
      headers: { "if-modified-since": lastModified },
    });
    expect(again.status).toBe(200);
    expect(Date.parse(again.headers.get("last-modified") as string)).toBeLessThanOrEqual(
      Date.parse(again.headers.get("date") as string),
    );

    // Once the clock has caught up, Last-Modified is the update time, and a copy that recent is a 304.
    await new Promise((resolve) => setTimeout(resolve, changedAt - Date.now() + 50));
    const caughtUp = await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken });
    expect(caughtUp.headers.get("last-modified")).toBe(new Date(changedAt).toUTCString());
    const fresh = await appleCall(stack, "GET", passPath(), {
      token: pass.authenticationToken,
      headers: { "if-modified-since": caughtUp.headers.get("last-modified") as string },
    });
    expect(fresh.status).toBe(304);
    expect(Date.parse(fresh.headers.get("last-modified") as string)).toBeLessThanOrEqual(
      Date.parse(fresh.headers.get("date") as string),
    );
  });
});

describe("the pass's How points work", () => {
  const howPointsWork = async () => {
    const response = await appleCall(stack, "GET", passPath(), { token: pass.authenticationToken });
    const { passJson } = await unzipPkpass(response.bytes);
    return String(passJson.storeCard.backFields?.find((field) => field.key === "howPointsWork")?.value);
  };

  it("lists only the programs a location earns with", async () => {
    const alice = await stack.token("alice");
    const created = await stack.call("POST", "/v1/programs", {
      token: alice,
      headers: { "idempotency-key": randomUUID() },
      body: { name: "Double Dimanche", rule: { kind: "purchase", currency: "EUR", points: 2, per: "1.00" } },
    });
    expect(created.status).toBe(201);
    const rules = await howPointsWork();
    expect(rules).toContain("Points Paris");
    expect(rules).toContain("Visites Lyon");
    expect(rules).not.toContain("Double Dimanche");

    const location = await stack.call("POST", "/v1/locations", {
      token: alice,
      headers: { "idempotency-key": randomUUID() },
      body: { name: "Marseille 01", programId: created.body.program.id },
    });
    expect(location.status).toBe(201);
    expect(await howPointsWork()).toContain("Double Dimanche");
  });
});

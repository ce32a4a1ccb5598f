import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareZXingModule, writeBarcode } from "zxing-wasm/writer";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_PASS_TYPE_ID } from "../../infra/local/wallet.ts";
import { accessibilityViolations, CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from "../support/browser.ts";
import { checkBrowserTraffic } from "../support/openapi-validator.ts";
import { decodeQrPng } from "../support/qr-decode.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { appleCall, memberPass } from "../support/wallet.ts";
import { removeUnzippedPasses, unzipPkpass } from "../unit/passes/apple-pkpass-tools.ts";

/**
 * The scanner web app (/scanner) in a real headless Chromium at a phone's size (Debian's package, driven
 * by playwright-core), against the whole local stack: the local user pool for sign-in, the API for the
 * rest. Without /usr/bin/chromium the suite is skipped locally, with a message; in CI it fails.
 */
const available = chromiumAvailable("scanner browser tests");

export const SCREENSHOTS = new URL("../output/scanner/", import.meta.url).pathname;
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

const camille = DEMO.customers.camille;
let stack: TestStack;
let browser: Browser;
let alice: string;

beforeAll(async () => {
  if (!available) return;
  [stack, browser] = await Promise.all([
    // The wallet too: the camera test checks that the earn reaches the pass on a device (local APNs).
    startTestStack({ wallet: true }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
  ]);
  await mkdir(SCREENSHOTS, { recursive: true });
  alice = await stack.token("alice");
  // A reward Camille's first purchase covers, in the Paris program.
  const reward = await stack.call("POST", "/v1/rewards", {
    token: alice,
    headers: { "idempotency-key": randomUUID() },
    body: {
      programId: DEMO.locations["paris-01"].programId,
      name: "Café offert",
      points: 20,
      discount: { kind: "free_product", product: "Espresso" },
    },
  });
  expect(reward.status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await removeUnzippedPasses();
});

/** A fresh phone (its own storage: IndexedDB, service worker, cache) with the app open. */
async function phone(locale: "fr-FR" | "en-GB" = "fr-FR"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...PHONE, locale, timezoneId: "Europe/Paris" });
  checkBrowserTraffic(context, stack.baseUrl);
  const page = await context.newPage();
  // Well inside the test's own timeout, so a step that never comes names itself.
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (error) => console.error(`scanner page error: ${error.message}`));
  return { context, page };
}

async function signIn(page: Page, who: "alice" | "bob"): Promise<void> {
  await page.goto(`${stack.baseUrl}/scanner`);
  const staff = DEMO.staff[who];
  await page.locator("#signin-email").fill(staff.email);
  await page.locator("#signin-password").fill(staff.password);
  await page.locator("#signin-form button[type=submit]").click();
}

const focusedId = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement
        ?.id,
  );

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

async function pickLocation(page: Page, name: string): Promise<void> {
  await page.locator("#locations button", { hasText: name }).click();
  await page.locator("#view-scan").waitFor();
}

async function scanByHand(page: Page, barcode: string): Promise<void> {
  await page.locator("#barcode").fill(barcode);
  await page.locator("#scan-form button[type=submit]").click();
  await page.locator("#view-customer").waitFor();
}

const ledger = async (customerId: string) =>
  (await stack.call("GET", `/v1/customers/${customerId}/ledger?limit=100`, { token: alice })).body
    .entries as {
    type: string;
    points: number;
    inputs: Record<string, string>;
    explanation: string;
    staffId: string;
  }[];

/**
 * A camera's view of a phone showing the pass's barcode, as the YUV4MPEG2 file Chromium's fake camera
 * plays in a loop: the QR code drawn from the pass's own barcode (zxing-wasm's writer), black modules on
 * white with a quiet zone, centred in a grey 640×480 frame.
 */
async function cameraFileShowing(message: string, dir: string): Promise<string> {
  const wasm = readFileSync(
    new URL("../../node_modules/zxing-wasm/dist/writer/zxing_writer.wasm", import.meta.url),
  );
  prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
  });
  const { symbol, error } = await writeBarcode(message, { format: "QRCode", scale: 1 });
  if (!symbol || error) throw new Error(`no QR code: ${error}`);
  const [width, height, module, quiet] = [640, 480, 12, 4];
  const side = (symbol.width + 2 * quiet) * module;
  const [left, top] = [(width - side) / 2, (height - side) / 2];
  const luma = Buffer.alloc(width * height, 128);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const [mx, my] = [Math.floor(x / module) - quiet, Math.floor(y / module) - quiet];
      const inside = mx >= 0 && my >= 0 && mx < symbol.width && my < symbol.height;
      const dark = inside && (symbol.data[my * symbol.width + mx] ?? 255) < 128;
      luma[(top + y) * width + left + x] = dark ? 16 : 235;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  const file = join(dir, "pass-barcode.y4m");
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(file, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]));
  return file;
}

async function earnByApi(amount: string): Promise<void> {
  const earned = await stack.call("POST", "/v1/transactions", {
    token: alice,
    headers: { "idempotency-key": randomUUID() },
    body: { customerId: camille.id, locationId: "paris-01", type: "purchase", amount, currency: "EUR" },
  });
  expect(earned.status).toBe(201);
}

describe.runIf(available)("the scanner app in Chromium", () => {
  it("signs bob in, offers only his shop, and issues 23 points for 23,40 with the explanation", async () => {
    const { context, page } = await phone("fr-FR");
    // The page's timers run on a clock the test moves, for the minute-long reminder.
    await page.clock.install();
    await signIn(page, "bob");
    await page.locator("#locations button").first().waitFor();
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.locator("#locations-h").textContent()).toBe("Où travaillez-vous ?");
    const offered = await page.locator("#locations button").allTextContents();
    expect(offered).toHaveLength(1);
    expect(offered[0]).toContain("Paris 01");
    expect(offered[0]).toContain("1 point per 1.00 EUR spent, rounded down");
    expect(offered.join(" ")).not.toContain("Lyon");
    expect(await page.locator("#locations button .line").getAttribute("lang")).toBe("en");
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "locations-bob-fr");

    await pickLocation(page, "Paris 01");
    expect(await focusedId(page)).toBe("barcode");
    await scanByHand(page, camille.barcode);
    // From here the page's time moves only as the test says (until resumed: axe-core needs its timers).
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
    expect(await page.locator("#customer-h").textContent()).toBe(camille.name);
    const before = Number((await page.locator("#customer-balance").textContent())?.replace(/\D/g, ""));
    expect(await page.locator("#next-reward").textContent()).toMatch(
      /^Encore \d+ points pour Café offert \(20 points\)$/,
    );
    // The flow cannot stop half-way unnoticed: the amount has the focus, is required, takes a decimal keypad.
    expect(await focusedId(page)).toBe("amount");
    expect(await page.locator("#amount").getAttribute("inputmode")).toBe("decimal");
    expect(await page.locator("#amount").getAttribute("required")).not.toBeNull();
    expect(await page.locator("#amount-label").textContent()).toBe("Montant de l'achat (EUR)");
    await page.locator("#earn-submit").click();
    expect(await page.locator("#amount-error").textContent()).toBe("Saisissez le montant de l'achat.");
    expect(await page.locator("#amount").getAttribute("aria-invalid")).toBe("true");

    // Left a minute without confirming: a reminder anyone near the till can see.
    await page.clock.runFor(58_000);
    expect(await page.locator("#reminder").isVisible()).toBe(false);
    await page.clock.runFor(2_000);
    await page.locator("#reminder").waitFor();
    expect(await page.locator("#reminder").textContent()).toBe(
      "Ce passage n'est pas terminé : aucun point n'a encore été attribué. Saisissez le montant et validez, ou annulez.",
    );
    expect(await page.locator("#reminder").getAttribute("role")).toBe("alert");
    await page.clock.resume();
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "customer-reminder-fr");

    await page.locator("#amount").fill("23,40");
    await page.locator("#earn-submit").click();
    await page.locator("#view-result").waitFor();
    expect(await page.locator("#result-h").textContent()).toBe("Points attribués");
    expect(await page.locator("#result-points").textContent()).toBe("+23 points");
    expect(await page.locator("#result-balance").textContent()).toBe(`Nouveau solde : ${before + 23} points`);
    expect(await page.locator("#result-explanation").textContent()).toBe(
      "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    );
    expect(await focusedId(page)).toBe("result-h");
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "result-fr");

    const [newest] = await ledger(camille.id);
    expect(newest).toMatchObject({ type: "purchase", points: 23, staffId: DEMO.staff.bob.id });
    expect(newest?.inputs).toMatchObject({ amount: "23.40", currency: "EUR" });
    await context.close();
  });

  it("confirms a visit with one button, then redeems a reward and takes the coupon, in English", async () => {
    // Enough for the reward, whatever ran before.
    await earnByApi("25.00");
    const { context, page } = await phone("fr-FR");
    await signIn(page, "alice");
    await page.locator("#locations button").first().waitFor();
    // Switched by hand, and kept for the next start.
    await page.locator("#locale").selectOption("en");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("#locations-h").textContent()).toBe("Where are you working?");
    expect(await page.locator("#locations button").allTextContents()).toEqual([
      expect.stringContaining("Lyon 01"),
      expect.stringContaining("Paris 01"),
    ]);

    await pickLocation(page, "Lyon 01");
    expect(await page.locator("#where").textContent()).toContain("10 points per visit");
    await scanByHand(page, camille.barcode);
    expect(await page.locator("#amount-field").isVisible()).toBe(false);
    expect(await focusedId(page)).toBe("earn-submit");
    expect(await page.locator("#earn-submit").textContent()).toBe("Confirm the visit");
    await page.locator("#earn-submit").click();
    await page.locator("#view-result").waitFor();
    expect(await page.locator("#result-points").textContent()).toBe("+10 points");
    expect(await page.locator("#result-explanation").textContent()).toBe(
      "1 visit × 10 points per visit → 10 points",
    );

    await page.locator("#next-customer").click();
    await page.locator("#change-location").click();
    await pickLocation(page, "Paris 01");
    await scanByHand(page, camille.barcode);
    const redeem = page.locator("#redeem-list button", { hasText: "Café offert" });
    expect(await redeem.textContent()).toBe("Redeem Café offert (20 points)");
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "customer-rewards-en");
    await redeem.click();
    await page.locator("#view-coupon").waitFor();
    const code = (await page.locator("#coupon-code").textContent()) ?? "";
    expect(code).toMatch(/^[A-Z0-9]{16}$/);
    expect(await page.locator("#coupon-spent").textContent()).toMatch(
      /^−20 points · new balance \d+ points$/,
    );
    await page.locator("#use-coupon").click();
    await expect.poll(() => page.locator("#coupon-result").textContent()).toBe("Coupon used.");
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "coupon-used-en");

    const [redemption] = (await ledger(camille.id)).filter((entry) => entry.type === "redemption");
    expect(redemption?.points).toBe(-20);
    await context.close();
  });

  it("enrols a phone-only customer and shows the Welcome QR code, which opens their card", async () => {
    const { context, page } = await phone("fr-FR");
    await signIn(page, "alice");
    await pickLocation(page, "Paris 01");
    await page.locator("#enrol").click();
    expect(await focusedId(page)).toBe("enrol-name");
    await page.locator("#enrol-name").fill("Nina Petit");
    await page.locator("#enrol-phone").fill("+33 6 98 76 54 32");
    await page.locator("#enrol-submit").click();
    await page.locator("#view-welcome").waitFor();
    expect(await page.locator("#welcome-text").textContent()).toBe(
      "Nina Petit scanne ce code QR avec son téléphone pour ajouter la carte.",
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "welcome-qr-fr");
    // What the customer's phone reads from the screen: their own card's link, which opens the portal.
    const qr = await page.locator("#welcome-qr").screenshot();
    const url = decodeQrPng(qr);
    expect(url).toMatch(new RegExp(`^${stack.baseUrl}/portal`));
    const found = await stack.call("GET", `/v1/customers?q=${encodeURIComponent("+33698765432")}`, {
      token: alice,
    });
    expect(found.body.customers.map((c: { name: string }) => c.name)).toEqual(["Nina Petit"]);
    await context.close();
  });

  it("queues earns while offline, keeps them over a reload, and sends each once when the network returns", async () => {
    const { context, page } = await phone("fr-FR");
    await signIn(page, "bob");
    await pickLocation(page, "Paris 01");
    // Once the service worker controls the page, the app reloads without a network.
    await page.waitForFunction("navigator.serviceWorker.controller !== null");
    const before = await ledger(camille.id);

    await context.setOffline(true);
    await page.locator("#offline").waitFor();
    // The last one is over the merchant's maximum purchase: refused once the server sees it.
    for (const amount of ["1,10", "2,20", "3,30", "20000,00"]) {
      await scanByHand(page, camille.barcode);
      expect(await page.locator("#customer-offline").isVisible()).toBe(true);
      expect(await focusedId(page)).toBe("amount");
      await page.locator("#amount").fill(amount);
      await page.locator("#earn-submit").click();
      await page.locator("#view-result").waitFor();
      expect(await page.locator("#result-h").textContent()).toBe("Enregistré sur l'appareil");
      await page.locator("#next-customer").click();
    }
    const queued = page.locator("#queue-list li");
    // Intl writes non-breaking spaces in French amounts.
    const texts = (await queued.allTextContents()).map((text) => text.replace(/[\u00a0\u202f]/g, " "));
    expect(texts).toEqual(
      ["1,10 €", "2,20 €", "3,30 €", "20 000,00 €"].map(
        (what) => `${camille.barcode} · ${what} · En attente`,
      ),
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "offline-queue-fr");

    // Reloaded with no network: the app comes from the service worker, the queue from IndexedDB.
    await page.reload();
    await page.locator("#view-scan").waitFor();
    await expect.poll(() => queued.count()).toBe(4);
    // Some Chromium builds report a reloaded page online with the network off: the app's first call that gets
    // no answer (the queue's flush on sign-in) shows the banner.
    await expect.poll(() => page.locator("#offline").isVisible(), { timeout: 10_000 }).toBe(true);

    await context.setOffline(false);
    const settled = async () =>
      await queued.evaluateAll((items) => items.map((i) => i.getAttribute("data-status")));
    await expect.poll(settled, { timeout: 20_000 }).toEqual(["refused"]);
    expect(await queued.first().textContent()).toMatch(/· Refusé : .*10000\.00.*Retirer$/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "offline-refused-fr");

    // Exactly the three accepted earns, none twice, and the chain still checks.
    const after = await ledger(camille.id);
    const added = after.slice(0, after.length - before.length);
    expect(added.map((entry) => entry.inputs.amount).sort()).toEqual(["1.10", "2.20", "3.30"]);
    expect(added.map((entry) => entry.points).sort()).toEqual([1, 2, 3]);
    const verified = await stack.call("GET", `/v1/customers/${camille.id}/ledger/verify`, { token: alice });
    expect(verified.body).toMatchObject({ valid: true, entries: after.length });

    // Dismissed by staff once read; nothing else is left on the device.
    await page.locator("#queue-list button", { hasText: "Retirer" }).click();
    await page.locator("#queue").waitFor({ state: "hidden" });
    await context.close();
  });

  it("scans Camille's pass with the camera, issues the points, and her pass on a device is told", async () => {
    const pass = await memberPass(stack, DEMO.merchantId, camille.id);
    const served = await appleCall(stack, "GET", `/v1/passes/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`, {
      token: pass.authenticationToken,
    });
    const { passJson } = await unzipPkpass(served.bytes);
    const [barcode] = passJson.barcodes as { format: string; message: string }[];
    expect(barcode?.format).toBe("PKBarcodeFormatQR");
    const dir = await mkdtemp(join(tmpdir(), "scanner-camera-"));
    const video = await cameraFileShowing(barcode?.message ?? "", dir);
    // A device holding the pass, so the earn's pass update has somewhere to go.
    const pushToken = randomUUID().replaceAll("-", "");
    const registered = await appleCall(
      stack,
      "POST",
      `/v1/devices/${randomUUID()}/registrations/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`,
      { token: pass.authenticationToken, body: { pushToken } },
    );
    expect(registered.status).toBe(201);

    const camera = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      const context = await camera.newContext({ ...PHONE, locale: "fr-FR", permissions: ["camera"] });
      checkBrowserTraffic(context, stack.baseUrl);
      const requested: string[] = [];
      context.on("request", (request) => requested.push(request.url()));
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await signIn(page, "bob");
      await pickLocation(page, "Paris 01");
      const before = Number(
        (await stack.call("GET", `/v1/customers/${camille.id}`, { token: alice })).body.customer.balance,
      );
      await page.locator("#camera").click();
      await page.locator("#view-customer").waitFor();
      expect(await page.locator("#barcode").inputValue()).toBe(camille.barcode);
      expect(await page.locator("#customer-h").textContent()).toBe(camille.name);
      // The camera is off once the code is read.
      expect(await page.locator("#camera-box").isHidden()).toBe(true);
      await page.locator("#amount").fill("23,40");
      await page.locator("#earn-submit").click();
      await page.locator("#view-result").waitFor();
      expect(await page.locator("#result-points").textContent()).toBe("+23 points");
      expect(await page.locator("#result-balance").textContent()).toBe(
        `Nouveau solde : ${before + 23} points`,
      );
      await shot(page, "camera-result-fr");
      // Nothing but this API and the user pool: the decoder came from /scanner/, not a CDN (Linux Chromium
      // has no BarcodeDetector, so the WASM decoder is what read the code).
      const origins = new Set(requested.map((url) => new URL(url).origin));
      expect([...origins].sort()).toEqual([stack.baseUrl, new URL(stack.userPool.endpoint).origin].sort());
      const native = await page.evaluate("'BarcodeDetector' in globalThis");
      expect(requested.some((url) => url.endsWith("/scanner/zxing_reader.wasm"))).toBe(!native);
      const push = await stack.wallet?.apns.waitFor((delivery) => delivery.token === pushToken, 10_000);
      expect(push?.headers["apns-push-type"]).toBe("background");
      await context.close();
    } finally {
      await camera.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("has a staff member choose a password at the first sign-in with the invitation's", async () => {
    const email = `carla-${randomUUID().slice(0, 8)}@cafe-demo.example`;
    const created = await stack.call("POST", "/v1/staff", {
      token: alice,
      headers: { "idempotency-key": randomUUID() },
      body: { name: "Carla", role: "staff", locationIds: ["lyon-01"], email },
    });
    expect(created.status).toBe(201);
    const invitation = await stack.mail.waitFor((mail) => mail.to.includes(email));
    const temporary = /temporary password (\S+) \(account/.exec(invitation.text)?.[1] ?? "";
    expect(temporary).not.toBe("");

    const { context, page } = await phone("en-GB");
    await page.goto(`${stack.baseUrl}/scanner`);
    await page.locator("#signin-email").fill(email);
    await page.locator("#signin-password").fill(temporary);
    await page.locator("#signin-form button[type=submit]").click();
    await page.locator("#view-newpassword").waitFor();
    expect(await focusedId(page)).toBe("new-password");
    await page.locator("#new-password").fill("Carla-chose-2026!");
    await page.locator("#new-password-again").fill("Carla-chose-2026?");
    await page.locator("#newpassword-form button[type=submit]").click();
    expect(await page.locator("#newpassword-error").textContent()).toBe("The two passwords differ.");
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, "new-password-en");
    await page.locator("#new-password-again").fill("Carla-chose-2026!");
    await page.locator("#newpassword-form button[type=submit]").click();
    await page.locator("#locations button").first().waitFor();
    expect(await page.locator("#locations button").allTextContents()).toEqual([
      expect.stringContaining("Lyon 01"),
    ]);
    // The chosen password is the one that signs in from now on.
    const again = await stack.signIn(email, "Carla-chose-2026!");
    expect(again.AuthenticationResult?.AccessToken).toBeTruthy();
    await context.close();
  });
});

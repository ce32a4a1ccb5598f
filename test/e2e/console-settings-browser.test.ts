import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { chromiumAvailable } from "../support/browser.ts";
import {
  consoleShot,
  expectAccessible,
  LAPTOP,
  launchChromium,
  openConsole,
  TABLET,
} from "../support/console-browser.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * The console's settings screens in headless Chromium: every section opened by the owner (Alice), one
 * change saved in each and checked through the API, axe on each, screenshots; and what a staff role (Bob)
 * is not offered: no admin nav, no points actions on a customer's page, and the staff settings refused in
 * words when typed in the address bar.
 */
const available = chromiumAvailable("console settings browser tests");

let stack: TestStack;
let browser: Browser;
let alice: string;
const paris = DEMO.locations["paris-01"];

const api = async (path: string) => {
  const answer = await stack.call("GET", path, { token: alice });
  expect(answer.status).toBe(200);
  return answer.body;
};

/** Alice, signed in once for the owner's tests (a sign-in per test would be most of the run). */
let owner: { context: BrowserContext; page: Page };

/** Alice's console at a settings address, the section drawn (its heading and, once loaded, its content). */
async function settings(at: string, heading: string, loaded: string) {
  const { page } = owner;
  await page.goto(`${stack.baseUrl}/console#/settings/${at}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await page.locator(loaded).first().waitFor();
  return owner;
}

/** The status line of the change just made, once it says `text` (the page's own wait, not a timing). */
async function said(page: Page, text: string | RegExp) {
  const line = page.locator(".settings-status").filter({ hasText: text });
  await line.waitFor();
  if (typeof text === "string") expect(await line.innerText()).toBe(text);
}

/** A computed style of an element (the tests compile without the DOM's types, so it is declared here). */
const styleOf = (locator: Locator, property: string) =>
  locator.evaluate(
    (element, name) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(
        element,
      )[name],
    property,
  );

/** Polls as long as the page's own waits do: the machine may be busy. */
const PATIENCE = { timeout: 15_000 };

beforeAll(async () => {
  if (!available) return;
  [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
  alice = await stack.token("alice");
  // A purchase, so Camille's page has a purchase an admin could return.
  const bob = await stack.token("bob");
  const purchase = await stack.call("POST", "/v1/transactions", {
    token: bob,
    headers: { "idempotency-key": randomUUID() },
    body: {
      customerId: DEMO.customers.camille.id,
      locationId: paris.id,
      type: "purchase",
      amount: "12.00",
      currency: "EUR",
    },
  });
  expect(purchase.status).toBe(201);
  owner = await openConsole(browser, stack, "alice");
}, 60_000);
afterAll(async () => {
  await owner?.context.close();
  await browser?.close();
  await stack?.close();
});

/** Each test walks several screens, each step waiting up to 15 s: room for a busy machine, not a timing. */
const STEPS = { timeout: 90_000 };

describe.skipIf(!available)("console settings, as the owner", STEPS, () => {
  it("adds a location and downloads its poster", async () => {
    const { page } = await settings("locations", "Settings: Locations", "table");
    // Only what the owner may manage, all of it.
    await expect(
      page.getByRole("navigation", { name: "Settings sections" }).getByRole("link").allInnerTexts(),
    ).resolves.toEqual([
      "Locations",
      "Programs",
      "Rewards",
      "Staff and roles",
      "Moments",
      "Branding",
      "Statement keys",
    ]);
    await expectAccessible(page);
    await consoleShot(page, "settings-locations");

    await page.getByRole("button", { name: "Add a location" }).click();
    await page.locator("#location-new-name").fill("Marseille 01");
    await page.locator("#location-new-program").selectOption({ label: "Visites Lyon" });
    await page.getByRole("button", { name: "Add the location" }).click();
    await said(page, "Marseille 01 was added.");
    await page.getByRole("rowheader", { name: /Marseille 01/ }).waitFor();
    const { locations } = await api("/v1/locations");
    expect(locations.find((l: { name: string }) => l.name === "Marseille 01")).toMatchObject({
      programId: DEMO.locations["lyon-01"].programId,
    });

    await page.getByRole("button", { name: "Poster of Paris 01" }).click();
    await page.getByLabel("Format").selectOption("png");
    await page.getByRole("button", { name: "Get the poster" }).click();
    const preview = page.getByRole("img", { name: "Preview of the poster of Paris 01" });
    await preview.waitFor();
    // The image really is the poster (1240 × 1754), drawn from the object URL the console made.
    await expect
      .poll(() => preview.evaluate((img: { naturalWidth: number }) => img.naturalWidth), PATIENCE)
      .toBe(1240);
    await expectAccessible(page);
    await consoleShot(page, "settings-locations-poster");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Save poster-paris-01.png" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("poster-paris-01.png");
  });

  it("changes a program's rule: a new version is listed, saved by Alice", async () => {
    const { page } = await settings("programs", "Settings: Programs", "table");
    await expectAccessible(page);
    await consoleShot(page, "settings-programs");
    await page.getByRole("link", { name: "Points Paris" }).click();
    await page.getByRole("heading", { level: 1, name: "Program Points Paris" }).waitFor();
    await page.locator(`#program-${paris.programId}-points`).fill("2");
    await page.locator(`#program-${paris.programId}-rounding`).selectOption("nearest");
    await page.getByRole("button", { name: "Save as a new version" }).click();
    await said(page, "Saved as version 2.");
    const history = page.getByRole("table", { name: "Versions, newest first" });
    await expect.poll(() => history.locator("tbody tr").count(), PATIENCE).toBe(2);
    const newest = await history.locator("tbody tr").first().locator("th, td").allInnerTexts();
    expect(newest[0]).toBe("2");
    expect(newest[2]).toBe("Alice");
    expect(newest[3]).toMatch(/^2 points per 1\.00 EUR spent, rounded to the nearest/);
    const { program } = await api(`/v1/programs/${paris.programId}`);
    expect(program).toMatchObject({ version: 2, rule: { points: 2, per: "1.00", rounding: "nearest" } });
    await expectAccessible(page);
    await consoleShot(page, "settings-program");
  });

  it("creates a reward and archives it", async () => {
    const { page } = await settings("rewards", "Settings: Rewards", ".settings-section");
    await page.getByRole("button", { name: "Add a reward" }).click();
    await page.locator("#reward-new-program").selectOption({ label: "Points Paris" });
    await page.locator("#reward-new-name").fill("Croissant offert");
    await page.locator("#reward-new-points").fill("50");
    await page.locator("#reward-new-kind").selectOption("free_product");
    await page.locator("#reward-new-product").fill("Croissant");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Add the reward" }).click();
    await said(page, "Croissant offert was added.");
    const row = page.getByRole("row", { name: /Croissant offert/ });
    await expect.poll(() => row.innerText(), PATIENCE).toContain("active");

    await page.getByRole("button", { name: "Archive Croissant offert" }).click();
    await page.getByRole("button", { name: "Archive the reward" }).click();
    await said(page, "Croissant offert was archived.");
    await expect.poll(() => row.innerText(), PATIENCE).toContain("archived");
    const { rewards } = await api("/v1/rewards?status=all");
    expect(rewards.find((r: { name: string }) => r.name === "Croissant offert")).toMatchObject({
      status: "archived",
      points: 50,
      discount: { kind: "free_product", product: "Croissant" },
    });
    await expectAccessible(page);
    await consoleShot(page, "settings-rewards");
  });

  it("invites a staff member (the invitation reaches the mailbox) and deactivates them", async () => {
    const email = `marc-${randomUUID().slice(0, 8)}@cafe-demo.example`;
    const { page } = await settings("staff", "Settings: Staff and roles", "table");
    await page.getByRole("heading", { name: "What each role may do" }).waitFor();
    await page.locator(".roles form").first().waitFor();
    await expectAccessible(page);
    await consoleShot(page, "settings-staff");

    await page.getByRole("button", { name: "Invite a staff member" }).click();
    await page.locator("#staff-new-name").fill("Marc");
    await page.locator("#staff-new-email").fill(email);
    await page.locator("#staff-new-role").selectOption("staff");
    await page.getByLabel("Only these locations").check();
    await page.getByRole("checkbox", { name: "Paris 01" }).check();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Add and send the invitation" }).click();
    await said(page, `Marc was added; the invitation was sent to ${email}.`);
    const mail = await stack.mail.waitFor((m) => m.to === email, 10_000);
    expect(mail.text).toMatch(/temporary password/);

    await page.getByRole("button", { name: "Deactivate Marc" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Deactivate Marc" }).click();
    await said(page, "Marc was deactivated.");
    await page.getByRole("button", { name: "Reactivate Marc" }).waitFor();
    const { staff } = await api("/v1/staff");
    expect(staff.find((s: { email: string }) => s.email === email)).toMatchObject({
      name: "Marc",
      role: "staff",
      locationIds: [paris.id],
      active: false,
      hasSignIn: true,
    });
  });

  it("switches a Moment off", async () => {
    const { page } = await settings("moments", "Settings: Moments", "form");
    const earned = page.getByRole("checkbox", { name: "they earn points (a purchase or a visit)" });
    expect(await earned.isChecked()).toBe(true);
    await expectAccessible(page);
    await consoleShot(page, "settings-moments");
    await earned.uncheck();
    await page.getByRole("button", { name: "Save the Moments" }).click();
    await said(page, "The Moments were saved.");
    const { settings: saved } = await api("/v1/settings");
    expect(saved.moments).toMatchObject({ points_earned: false, points_added: true, welcome: true });
  });

  it("changes the branding colours, the preview following before the save", async () => {
    const { page } = await settings("branding", "Settings: Branding", ".pass-preview");
    const card = page.getByTestId("pass-preview");
    const colour = () => styleOf(card, "backgroundColor");
    expect(await colour()).toBe("rgb(32, 44, 57)");
    await page.getByLabel("Background").fill("#7a1f3d");
    await page.getByLabel("Labels").fill("#f0d8e0");
    // Drawn from the form, nothing saved yet.
    await expect.poll(colour, PATIENCE).toBe("rgb(122, 31, 61)");
    expect(await styleOf(card.locator(".pass-label").first(), "color")).toBe("rgb(240, 216, 224)");
    expect((await api("/v1/settings")).settings.branding.backgroundColor).toBeNull();
    await page.getByLabel("Phone").fill("+33 1 23 45 67 89");
    await expectAccessible(page);
    await consoleShot(page, "settings-branding");
    await page.getByRole("button", { name: "Save the branding" }).click();
    await said(page, /^The branding was saved\./);
    expect((await api("/v1/settings")).settings.branding).toMatchObject({
      backgroundColor: "rgb(122, 31, 61)",
      foregroundColor: "rgb(255, 255, 255)",
      labelColor: "rgb(240, 216, 224)",
      contact: { phone: "+33 1 23 45 67 89" },
    });
    // Read back after the save, the form and the card show what is stored.
    await expect.poll(colour, PATIENCE).toBe("rgb(122, 31, 61)");
  });

  it("rotates the statement key", async () => {
    const before = (await stack.call("GET", `/v1/merchants/${DEMO.merchantId}/jwks.json`, {})).body;
    const { page } = await settings("keys", "Settings: Statement keys", ".settings-section button");
    await expectAccessible(page);
    await consoleShot(page, "settings-keys");
    await page.getByRole("button", { name: "Rotate the signing key" }).click();
    await page.getByRole("button", { name: "Rotate now" }).click();
    await said(page, /^The key was rotated\. Keys now published: /);
    const after = (await stack.call("GET", `/v1/merchants/${DEMO.merchantId}/jwks.json`, {})).body;
    expect(after.keys.map((k: { kid: string }) => k.kid)).not.toEqual(
      before.keys.map((k: { kid: string }) => k.kid),
    );
  });

  it("reads in French, and fits a tablet", async () => {
    const { page } = await settings("branding", "Settings: Branding", ".pass-preview");
    await page.getByLabel("Language").selectOption("fr");
    await page.getByRole("heading", { level: 1, name: "Réglages : Apparence" }).waitFor();
    await page.getByRole("button", { name: "Enregistrer l'apparence" }).waitFor();
    expect(await page.getByRole("figure").innerText()).toContain("PROCHAINE RÉCOMPENSE");
    await expectAccessible(page);
    await consoleShot(page, "settings-branding-fr");
    await page.getByLabel("Langue").selectOption("en");

    await page.setViewportSize(TABLET.viewport);
    await settings("staff", "Settings: Staff and roles", "table");
    await page.locator(".roles form").first().waitFor();
    await expectAccessible(page);
    // Nothing wider than the screen: the page scrolls down, never sideways.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      TABLET.viewport.width,
    );
    await consoleShot(page, "settings-staff-tablet");
    await page.setViewportSize(LAPTOP.viewport);
  });
});

describe.skipIf(!available)("console settings, what a staff role is not offered", STEPS, () => {
  const adminActions = /^(Issue points|Deduct points|Purchase return|Refund points)/;

  let bob: { context: BrowserContext; page: Page };
  beforeAll(async () => {
    if (available) bob = await openConsole(browser, stack, "bob");
  });
  afterAll(() => bob?.context.close());

  it("shows Bob no admin nav and no points actions on a customer's page, as it shows Alice", async () => {
    const at = `${stack.baseUrl}/console#/customers/${DEMO.customers.camille.id}`;
    await owner.page.goto(at);
    await owner.page.getByRole("heading", { level: 1, name: /Camille Martin/ }).waitFor();
    // The control: the same selectors find the owner's actions, so their absence below means something.
    await owner.page.getByRole("button", { name: "Issue points" }).waitFor();
    expect(await owner.page.getByRole("button", { name: adminActions }).count()).toBeGreaterThanOrEqual(2);

    const { page } = bob;
    await page.goto(at);
    await page.getByRole("heading", { level: 1, name: /Camille Martin/ }).waitFor();
    await page.getByRole("table").first().waitFor();
    const nav = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts();
    expect(nav).toEqual(["Customers"]);
    expect(await page.getByRole("button", { name: adminActions }).count()).toBe(0);
    await expectAccessible(page);
    await consoleShot(page, "settings-bob-customer");
  });

  it("answers Bob's typed-in staff settings with the refusal in words, and no staff list", async () => {
    const { page } = bob;
    await page.goto(`${stack.baseUrl}/console#/settings/staff`);
    await page.getByRole("heading", { level: 1, name: "Settings: Staff and roles" }).waitFor();
    const refusal = page
      .getByRole("alert")
      .filter({ hasText: "Your role does not allow you to see or change this." });
    await refusal.waitFor();
    expect(await page.getByRole("table", { name: "Staff members" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Invite a staff member" }).count()).toBe(0);
    expect(await page.getByRole("navigation", { name: "Settings sections" }).count()).toBe(0);
    await expectAccessible(page);
    await consoleShot(page, "settings-bob-staff-refused");
  });
});

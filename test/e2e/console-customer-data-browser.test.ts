import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { chromiumAvailable } from "../support/browser.ts";
import { consoleShot, expectAccessible, launchChromium, openConsole } from "../support/console-browser.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * A customer's page in Chromium: the tier standing (GET /v1/customers/{id} `tiers`), the access export
 * (POST …/export, the JSON file downloaded) and the erasure (DELETE /v1/customers/{id} behind a dialog
 * whose box must be ticked), in English and French; a staff member is offered neither.
 */
const available = chromiumAvailable("console customer data browser tests");

const PARIS = DEMO.locations["paris-01"];
const TIERS = {
  window: { kind: "rolling", months: 12 },
  levels: [
    { name: "Bronze", threshold: 0, multiplier: "1" },
    { name: "Silver", threshold: 50, multiplier: "1.25" },
    { name: "Gold", threshold: 150, multiplier: "1.5" },
  ],
};

let stack: TestStack;
let browser: Browser;
let alice: string;

const post = (path: string, body: unknown, token = alice) =>
  stack.call("POST", path, { token, body, headers: { "idempotency-key": randomUUID() } });

async function enrol(name: string): Promise<string> {
  const tag = randomUUID().slice(0, 8);
  const enrolled = await post("/v1/customers", { name, email: `${tag}@example.com` });
  expect(enrolled.status).toBe(201);
  return enrolled.body.customer.id;
}

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

beforeAll(async () => {
  if (!available) return;
  [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
  alice = await stack.token("alice");
  const current = (await stack.call("GET", `/v1/programs/${PARIS.programId}`, { token: alice })).body.program;
  const saved = await stack.call("PUT", `/v1/programs/${PARIS.programId}`, {
    token: alice,
    body: { name: current.name, rule: current.rule, expiry: current.expiry, tiers: TIERS },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(saved.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe.runIf(available)("a customer's tier, export and erasure in the console", () => {
  it("shows the tier standing in English and French, and what keeping it takes", async () => {
    const customerId = await enrol("Théo Vidal");
    const earned = await post("/v1/transactions", {
      customerId,
      locationId: PARIS.id,
      type: "purchase",
      amount: "60.00",
      currency: "EUR",
    });
    expect(earned.status).toBe(201);
    const { tiers } = (await stack.call("GET", `/v1/customers/${customerId}`, { token: alice })).body;
    expect(tiers).toEqual([expect.objectContaining({ tier: "Silver", qualifyingPoints: 60 })]);
    const [standing] = tiers;

    const { context, page } = await openConsole(browser, stack, "alice", { at: `#/customers/${customerId}` });
    const card = page.locator("#tiers");
    await card.waitFor();
    expect(await card.locator("h2").innerText()).toBe("Tier");
    expect(await card.locator(".tier-level").innerText()).toBe("Silver");
    await poll(() => card.innerText()).toContain("points × 1.25");
    expect(await card.innerText()).toContain("60 qualifying points");
    expect(await card.locator(".tier-next").innerText()).toBe("90 more points to reach Gold");
    // Today's points leave the window by the level's review: keeping Silver takes Silver's 50 again by then.
    expect(standing.pointsToKeep).toBe(50);
    const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(
      new Date(`${standing.keptUntil}T00:00:00Z`),
    );
    expect(await card.locator(".tier-keep").innerText()).toBe(`50 more points by ${day} to stay Silver`);
    await expectAccessible(page);
    await consoleShot(page, "customer-tier");

    // A member short of their level at its review ("320 more points by 31 Mar to stay Gold", README
    // "Tiers"): the answer as the API gives it for one, its calendar day kept whatever the time zone.
    await page.route(`**/v1/customers/${customerId}`, async (route) => {
      const answer = await route.fetch();
      const body = await answer.json();
      body.tiers = [
        {
          ...standing,
          tier: "Gold",
          multiplier: "1.5",
          qualifyingPoints: 1180,
          next: null,
          keptUntil: "2027-03-31",
          pointsToKeep: 320,
        },
      ];
      await route.fulfill({ response: answer, json: body });
    });
    await page.reload();
    await poll(() => card.locator(".tier-keep").innerText()).toBe(
      "320 more points by Mar 31, 2027 to stay Gold",
    );
    expect(await card.locator(".tier-next").innerText()).toBe("The highest level.");
    await page.locator("#locale").selectOption("fr");
    await poll(() => card.locator(".tier-keep").innerText()).toBe(
      "Encore 320 points d'ici le 31 mars 2027 pour rester Gold",
    );
    expect(await card.innerText()).toContain("points × 1,5");
    // French groups thousands with a narrow no-break space.
    expect(await card.innerText()).toMatch(/1\s180 points qualifiants/);
    expect(await card.locator(".tier-next").innerText()).toBe("Le niveau le plus haut.");
    await expectAccessible(page);
    await consoleShot(page, "customer-tier-fr");
    await context.close();
  });

  it("exports the customer's data as a JSON download, then erases them behind a ticked box", async () => {
    const name = "Hélène Faure";
    const customerId = await enrol(name);
    expect(
      (await post(`/v1/customers/${customerId}/points`, { points: 40, reason: "goodwill", note: "welcome" }))
        .status,
    ).toBe(201);

    const { context, page } = await openConsole(browser, stack, "alice", { at: `#/customers/${customerId}` });
    await page.locator("h1", { hasText: name }).waitFor();
    const section = page.locator("#privacy");
    await section.waitFor();

    // The access export: the file the browser downloads is the API's JSON document of this member.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#export-data").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const file = JSON.parse(await readFile((await download.path()) as string, "utf8"));
    const text = JSON.stringify(file);
    expect(text).toContain(name);
    expect(text).toContain(customerId);
    expect(text).toContain("welcome");
    await poll(() => page.locator("#export-status").innerText()).toContain("(points entries: 1)");
    expect(await page.locator("#export-link").getAttribute("href")).toMatch(/^http/);
    await expectAccessible(page);

    // The erasure: the dialog says what goes and what stays; without the box ticked nothing is sent.
    await page.locator("#erase-customer").click();
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    expect(await dialog.locator("h2").innerText()).toBe(`Erase the personal data of ${name}`);
    expect(await dialog.innerText()).toContain("The balance (40 points) and the points history stay");
    await expectAccessible(page);
    await consoleShot(page, "customer-erase-dialog");
    await dialog.locator("#erase-submit").click();
    await poll(() => dialog.locator("#erase-confirm-error").innerText()).toBe(
      "Tick the box to confirm the erasure.",
    );
    expect(await page.evaluate("document.activeElement?.id")).toBe("erase-confirm");
    expect(await dialog.locator("#erase-confirm").getAttribute("aria-invalid")).toBe("true");
    expect(
      (await stack.call("GET", `/v1/customers/${customerId}`, { token: alice })).body.customer.name,
    ).toBe(name);

    await dialog.locator("#erase-confirm").check();
    await dialog.locator("#erase-submit").click();
    await poll(() => page.locator("#customer-status").innerText()).toContain(
      "The customer's personal data was erased",
    );
    const after = (await stack.call("GET", `/v1/customers/${customerId}`, { token: alice })).body.customer;
    expect(after).toMatchObject({ name: "", phone: null, email: null, balance: 40 });
    expect(after.erasedAt).toEqual(expect.any(String));
    // The page shows the emptied profile: no name, no contact, the balance and the history kept.
    await poll(() => page.locator("h1").innerText()).toBe(`Erased customer ${customerId}`);
    expect(await page.locator("#customer-erased").innerText()).toContain(
      "This customer's personal data was erased on",
    );
    expect(await page.locator("#customer-balance").innerText()).toBe("40 points");
    await poll(() => page.locator("#ledger tbody tr").count()).toBe(1);
    expect(await page.locator("main").innerText()).not.toContain(name);
    expect(await page.locator("#erase-customer, #export-data, #edit-contact").count()).toBe(0);
    await expectAccessible(page);
    await consoleShot(page, "customer-erased");

    await page.locator("#locale").selectOption("fr");
    await poll(() => page.locator("h1").innerText()).toBe(`Client effacé ${customerId}`);
    expect(await page.locator("#customer-erased").innerText()).toContain(
      "Les données personnelles de ce client ont été effacées le",
    );
    await expectAccessible(page);
    await context.close();
  });

  it("offers a staff member neither the export nor the erasure", async () => {
    const customerId = await enrol("Ninon Garnier");
    const { context, page } = await openConsole(browser, stack, "bob", { at: `#/customers/${customerId}` });
    await page.locator("h1", { hasText: "Ninon Garnier" }).waitFor();
    await page.locator("#chain-run").waitFor();
    expect(await page.locator("#privacy, #erase-customer, #export-data").count()).toBe(0);
    expect(await page.locator("header nav").innerText()).not.toContain("Alerts");
    await context.close();
  });
});

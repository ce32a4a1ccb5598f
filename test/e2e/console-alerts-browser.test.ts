import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { startLocalWebhooks } from "../../infra/local/webhooks.ts";
import { chromiumAvailable } from "../support/browser.ts";
import { consoleShot, expectAccessible, launchChromium, openConsole } from "../support/console-browser.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { eventually } from "../support/wallet.ts";

/**
 * The console's Alerts and holds page in Chromium: the manual points held for a second person
 * (GET /v1/holds), approved by one (the requester's own approval refused with the API's reason) or
 * rejected, and the alert the stream consumer made (GET /v1/alerts) linking to its customer.
 */
const available = chromiumAvailable("console alerts browser tests");

const camille = DEMO.customers.camille;
let stack: TestStack;
let browser: Browser;
let webhooks: Awaited<ReturnType<typeof startLocalWebhooks>> | undefined;
let alice: string;
let miaId: string;
let miaHold: string;
let aliceHold: string;

const post = (path: string, body: unknown, token = alice) =>
  stack.call("POST", path, { token, body, headers: { "idempotency-key": randomUUID() } });

const balance = async (): Promise<number> =>
  (await stack.call("GET", `/v1/customers/${camille.id}`, { token: alice })).body.customer.balance;

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

beforeAll(async () => {
  if (!available) return;
  // Its own DynamoDB Local: the alert comes through the table's stream, which other files' writes slow.
  [stack, browser] = await Promise.all([startTestStack({ ownDatabase: true }), launchChromium()]);
  webhooks = await startLocalWebhooks({
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT as string,
    tableName: stack.db.table,
    pollIntervalMs: 50,
  });
  alice = await stack.token("alice");
  const rules = await stack.call("PATCH", "/v1/settings", {
    token: alice,
    body: { alertRules: { manualPointsAbove: 50, holdManualPointsAbove: 500 } },
  });
  expect(rules.status).toBe(200);
  const manager = await post("/v1/staff", { name: "Mia Manager", role: "manager", locationIds: "*" });
  expect(manager.status).toBe(201);
  miaId = manager.body.staff.id;
  const mia = await stack.tokenFor(miaId);
  const miaAsks = await post(
    `/v1/customers/${camille.id}/points`,
    { points: 600, reason: "goodwill", note: "birthday party" },
    mia,
  );
  expect(miaAsks.status).toBe(202);
  miaHold = miaAsks.body.hold.id;
  const aliceAsks = await post(`/v1/customers/${camille.id}/points`, { points: 700, reason: "correction" });
  expect(aliceAsks.status).toBe(202);
  aliceHold = aliceAsks.body.hold.id;
  // Under the hold limit, over the alert's: written, and an alert follows on the stream.
  expect(
    (await post(`/v1/customers/${camille.id}/points`, { points: 100, reason: "goodwill" }, mia)).status,
  ).toBe(201);
  await eventually(
    async () => (await stack.call("GET", "/v1/alerts", { token: alice })).body.alerts.length > 0 || undefined,
    20_000,
    "the manual points' alert",
  );
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await webhooks?.close();
  await stack?.close();
});

describe.runIf(available)("the console's alerts and holds page in Chromium", () => {
  it("lists the holds and the alert; a second person approves, the requester's own approval is refused", async () => {
    const { context, page } = await openConsole(browser, stack, "alice");
    await page.locator("header nav a", { hasText: "Alerts and holds" }).click();
    await page.locator("h1", { hasText: "Alerts and holds" }).waitFor();
    expect(new URL(page.url()).hash).toBe("#/alerts");

    // The holds, newest first: Alice's own request, then Mia's, by name, with the note as typed.
    const rows = page.locator("#holds-table tbody tr");
    await poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute("data-hold")).toBe(aliceHold);
    const mias = await rows.nth(1).locator("td").allInnerTexts();
    expect(mias.slice(1, 6)).toEqual([camille.name, "+600", "Goodwill", "birthday party", "Mia Manager"]);
    expect(await rows.nth(1).locator("a").getAttribute("href")).toBe(`#/customers/${camille.id}`);

    // The alert: its rule in words, whom it is about, and the entry that made it fire.
    const alert = page.locator("#alerts li.alert");
    await poll(() => alert.count()).toBe(1);
    expect(await alert.locator("h3").innerText()).toBe("Manual points above 50");
    const facts = await alert.locator("dl.facts").innerText();
    expect(facts).toContain("Mia Manager");
    expect(facts).toContain("100 points");
    const entry = await alert.locator("tbody tr").first().locator("td").allInnerTexts();
    expect(entry.slice(1, 5)).toEqual(["Manual", "+100", camille.name, "Mia Manager"]);
    await expectAccessible(page);
    await consoleShot(page, "alerts-holds");

    // Alice asked for the 700: the API refuses her approval, and the page says why in its words.
    const before = await balance();
    await page.getByRole("button", { name: `Approve +700 points for ${camille.name}` }).click();
    const refusal = page.locator("#holds-refusal");
    await poll(() => refusal.innerText()).toContain(
      "A hold is approved by another staff member than the one who asked for the points.",
    );
    expect(await refusal.innerText()).toContain(`+700 points for ${camille.name} were not approved`);
    expect(await balance()).toBe(before);
    await expectAccessible(page);
    await consoleShot(page, "alerts-holds-refused");

    // Mia's 600: Alice is the second person; the points are written and the hold leaves the queue.
    await page.getByRole("button", { name: `Approve +600 points for ${camille.name}` }).click();
    await poll(() => page.locator("#holds-status").innerText()).toBe(
      `Approved: +600 points for ${camille.name}. New balance: ${before + 600} points.`,
    );
    expect(await page.locator("#holds-refusal").count()).toBe(0);
    await poll(() => rows.count()).toBe(1);
    expect(await balance()).toBe(before + 600);
    const queue = (await stack.call("GET", "/v1/holds", { token: alice })).body.holds;
    expect(queue.map((h: { id: string }) => h.id)).toEqual([aliceHold]);
    const approvedEntry = (
      await stack.call("GET", `/v1/customers/${camille.id}/ledger?limit=1`, { token: alice })
    ).body.entries[0];
    expect(approvedEntry).toMatchObject({
      type: "manual",
      points: 600,
      staffId: miaId,
      refs: { holdId: miaHold },
    });

    // Alice withdraws her own request, with a reason: nothing is credited and the queue is empty.
    await page.getByRole("button", { name: `Reject +700 points for ${camille.name}` }).click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("#hold-reject-reason").fill("asked twice");
    await expectAccessible(page);
    await dialog.locator("button[type=submit]").click();
    await poll(() => page.locator("#holds-status").innerText()).toBe(
      `Rejected: +700 points for ${camille.name}. Nothing was credited.`,
    );
    await poll(() => page.locator("#holds").innerText()).toContain("No points are waiting for approval.");
    expect(await balance()).toBe(before + 600);
    expect((await stack.call("GET", "/v1/holds", { token: alice })).body.holds).toEqual([]);

    // In French; the alert's customer link opens her page.
    await page.locator("#locale").selectOption("fr");
    await poll(() => page.locator("h1").innerText()).toBe("Alertes et validations");
    expect(await page.locator("#holds-status").innerText()).toBe(
      `Refusé : +700 points pour ${camille.name}. Rien n'a été crédité.`,
    );
    // The approved 600 is a manual entry over 50 too: its alert may be listed by now, newest first.
    expect(await alert.last().locator("h3").innerText()).toBe("Points manuels au-delà de 50");
    await expectAccessible(page);
    await consoleShot(page, "alerts-holds-fr");
    await alert.last().locator("tbody a").first().click();
    await page.locator("h1", { hasText: camille.name }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/customers/${camille.id}`);
    await context.close();
  });

  it("is not offered to a staff member, and says so at its address", async () => {
    const { context, page } = await openConsole(browser, stack, "bob", { at: "#/alerts" });
    await page.locator("h1", { hasText: "Alerts and holds" }).waitFor();
    expect(await page.locator("main").innerText()).toContain("Your role does not let you review alerts.");
    expect(await page.locator("header nav").innerText()).not.toContain("Alerts");
    expect(await page.locator("#holds, #alerts").count()).toBe(0);
    await context.close();
  });
});

import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_PASS_TYPE_ID } from "../../infra/local/wallet.ts";
import { chromiumAvailable } from "../support/browser.ts";
import {
  consoleShot,
  expectAccessible,
  launchChromium,
  openConsole,
  TABLET,
} from "../support/console-browser.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { appleCall, eventually, memberPass, passBalance } from "../support/wallet.ts";

/**
 * The console's Activity and customer pages in headless Chromium, walking the help article "Customer
 * didn't receive points" (../shared/seeds/customer-did-not-receive-points.txt) step by step: search by
 * phone → activity filtered to Issued → the location check → Issue Points with a reason → the row in the
 * activity and on the customer's page, and Camille's pass pushed to her phone (the local APNs server).
 */
const available = chromiumAvailable("console customer browser tests");

const camille = DEMO.customers.camille;
let stack: TestStack;
let browser: Browser;
let alice: string;
let bob: string;
let pushToken: string;
/** A second member, whose contact details the edit test changes (Camille's phone is the walkthrough's). */
let dominique: string;

const post = (path: string, body: unknown, token = alice) =>
  stack.call("POST", path, { token, body, headers: { "idempotency-key": randomUUID() } });

const balanceOf = async (customerId: string): Promise<number> =>
  (await stack.call("GET", `/v1/customers/${customerId}`, { token: alice })).body.customer.balance;

const cells = (page: Page, table: string, row: number) =>
  page.locator(`${table} tbody tr`).nth(row).locator("td").allInnerTexts();

/** Polls for up to 10 s: on a loaded machine an answer can take more than the default second. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

/** Every wide table is as wide as its box at most. */
const fitsItsBox = (page: Page) =>
  page.evaluate(
    "[...document.querySelectorAll('.table-scroll')].every((box) => box.scrollWidth <= box.clientWidth)",
  );

beforeAll(async () => {
  if (!available) return;
  [stack, browser] = await Promise.all([
    startTestStack({ wallet: true, ownDatabase: true }),
    launchChromium(),
  ]);
  [alice, bob] = await Promise.all([stack.token("alice"), stack.token("bob")]);
  // Camille's pass on a phone, so a change to her balance has a device to tell.
  const pass = await memberPass(stack, DEMO.merchantId, camille.id);
  pushToken = randomUUID().replaceAll("-", "");
  const registered = await appleCall(
    stack,
    "POST",
    `/v1/devices/${randomUUID()}/registrations/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`,
    { token: pass.authenticationToken, body: { pushToken } },
  );
  expect(registered.status).toBe(201);
  // Her visits: a purchase Bob scanned in Paris, one Alice scanned in Lyon (a visit program), each
  // awaited on the phone before the next: two earns in one stream batch make a single push, and the
  // walkthrough below must not take a late setup push for the one it waits for.
  const pushesToHer = () => new Set(stack.wallet?.apns.deliveries.filter((d) => d.token === pushToken));
  const earnAndPush = async (body: Record<string, unknown>, token?: string) => {
    const before = pushesToHer();
    const earned = await post("/v1/transactions", body, token);
    expect(earned.status).toBe(201);
    await eventually(
      async () => [...pushesToHer()].some((d) => !before.has(d)) || undefined,
      10_000,
      `the push of the ${body.locationId} earn`,
    );
  };
  await earnAndPush(
    { customerId: camille.id, locationId: "paris-01", type: "purchase", amount: "23.40", currency: "EUR" },
    bob,
  );
  await earnAndPush({ customerId: camille.id, locationId: "lyon-01", type: "visit" });
  const enrolled = await post("/v1/customers", {
    name: "Dominique Petit",
    phone: "06 98 76 54 32",
    email: `dominique-${randomUUID().slice(0, 8)}@example.com`,
  });
  expect(enrolled.status).toBe(201);
  dominique = enrolled.body.customer.id;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe.runIf(available)("the console's activity and customer pages in Chromium", () => {
  it("walks the missing-points article: search by phone, Issued, location, Issue Points, the pass is pushed", async () => {
    const { context, page } = await openConsole(browser, stack, "alice", { at: "#/activity" });
    await page.locator("#activity-q").waitFor();
    // Step 1: the activity log, the customer searched for by phone as she gives it.
    await page.locator("#activity-q").fill("06 12 34 56 78");
    await page.locator("form[role=search] button[type=submit]").click();
    await poll(() => new URL(page.url()).hash).toContain("q=06");
    await page.locator("table.activity tbody tr").first().waitFor();
    const customers = await page.locator("table.activity tbody tr td:nth-child(2)").allInnerTexts();
    expect(new Set(customers)).toEqual(new Set([camille.name]));
    // … filtered by Issued: her earns, with the time, points and staff member columns.
    await page.locator("#activity-type").selectOption("issued");
    await page.locator("form[role=search] button[type=submit]").click();
    await poll(() => new URL(page.url()).hash).toContain("type=issued");
    await poll(() => page.locator("table.activity caption").innerText()).toBe(
      "Activity matching the filters, newest first",
    );
    const rows = page.locator("table.activity tbody tr");
    await poll(() => rows.count()).toBe(2);
    const [visit, purchase] = [
      await cells(page, "table.activity", 0),
      await cells(page, "table.activity", 1),
    ];
    // Step 3, the location check: each row says where it was scanned and by whom.
    expect(visit.slice(2, 7)).toEqual(["Visit", "+10", expect.any(String), "Alice", "Lyon 01"]);
    expect(purchase.slice(2, 7)).toEqual(["Purchase", "+23", expect.any(String), "Bob", "Paris 01"]);
    expect(purchase[7]).toContain("23.40 EUR");
    expect(await rows.nth(1).locator("td.explanation span[lang=en]").count()).toBeGreaterThan(0);
    // The filters are in the address: the view can be shared, and Back comes back to it.
    expect(new URL(page.url()).hash).toBe("#/activity?q=06+12+34+56+78&type=issued");
    await expectAccessible(page);
    await consoleShot(page, "activity-issued");

    // Step 4: Issue Points from her page, with the reason.
    await rows.first().locator("td:nth-child(2) a").click();
    await page.locator("h1", { hasText: camille.name }).waitFor();
    const before = await balanceOf(camille.id);
    await poll(() => page.locator("#customer-balance").innerText()).toBe(`${before} points`);
    // What expires when, as the customer's own portal says it: the Paris purchase's points in a year (a
    // rolling policy); Lyon's visit program keeps its points.
    const { upcomingExpiries } = (await stack.call("GET", `/v1/customers/${camille.id}`, { token: alice }))
      .body;
    expect(upcomingExpiries).toEqual([{ expiresAt: expect.any(String), points: 23, kind: "batch" }]);
    const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "Europe/Paris" });
    expect(await page.locator("#expiries li").allInnerTexts()).toEqual([
      `23 points on ${day.format(new Date(upcomingExpiries[0].expiresAt))}`,
    ]);
    await expectAccessible(page);
    await consoleShot(page, "customer");
    await page.locator("#issue-points").click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("#points-amount").waitFor();
    expect(await dialog.locator("h2").innerText()).toBe(`Issue points to ${camille.name}`);
    // Refused without a reason: the API's words, tied to the field.
    await dialog.locator("#points-amount").fill("15");
    await dialog.locator("button[type=submit]").click();
    await dialog.locator("#points-reason-error").waitFor();
    expect(await dialog.locator("#points-reason").getAttribute("aria-invalid")).toBe("true");
    expect(await dialog.locator("#points-reason").getAttribute("aria-describedby")).toBe(
      "points-reason-error",
    );
    await expectAccessible(page);
    const prior = new Set(stack.wallet?.apns.deliveries);
    await dialog.locator("#points-reason").selectOption("missed_scan");
    await dialog.locator("#points-note").fill("Forgot to scan on Monday");
    // The visit was two days ago (the control takes the browser's local time).
    const visitDay = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    await dialog.locator("#points-occurred").fill(`${visitDay}T12:30`);
    await dialog.locator("#points-location").selectOption("paris-01");
    await consoleShot(page, "customer-issue-dialog");
    await dialog.locator("button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    // The page tells what happened, with the new balance, and the row is the ledger's first.
    await poll(() => page.locator("#customer-status").innerText()).toBe(
      `15 points issued. New balance: ${before + 15} points.`,
    );
    await poll(() => page.locator("#customer-balance").innerText()).toBe(`${before + 15} points`);
    expect(await balanceOf(camille.id)).toBe(before + 15);
    await poll(async () => (await cells(page, "#ledger", 0)).slice(1, 6)).toEqual([
      "Manual",
      "+15",
      String(before + 15),
      "Alice",
      "Paris 01",
    ]);
    const manual = await cells(page, "#ledger", 0);
    expect(manual[0]).toMatch(/\nfor \w{3} \d{1,2}, \d{4}, 12:30 PM$/);
    const [entry] = (await stack.call("GET", `/v1/customers/${camille.id}/ledger?limit=1`, { token: alice }))
      .body.entries;
    expect(entry.occurredAt.slice(0, 10)).toBe(visitDay);
    expect(manual[6]).toContain("Reason: Missed scan");
    expect(manual[6]).toContain("Forgot to scan on Monday");
    // The focus went back to the button that opened the dialog.
    expect(await page.evaluate("document.activeElement?.id")).toBe("issue-points");
    // Her phone is told, and the pass it then fetches shows the new balance.
    const push = await stack.wallet?.apns.waitFor((d) => d.token === pushToken && !prior.has(d), 10_000);
    expect(push?.headers["apns-push-type"]).toBe("background");
    const pass = await memberPass(stack, DEMO.merchantId, camille.id);
    const served = await appleCall(stack, "GET", `/v1/passes/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`, {
      token: pass.authenticationToken,
    });
    expect(await passBalance(served.bytes)).toBe(before + 15);
    // The chain check, in words.
    await page.locator("#chain-run").click();
    await poll(() => page.locator("#chain-result").innerText()).toBe(
      "The ledger is intact: its 3 entries follow one another unchanged.",
    );
    await consoleShot(page, "customer-after-issue");

    // "The transaction will appear in your activity log": Back to the Issued view, the manual row on top.
    await page.goBack();
    await poll(() => new URL(page.url()).hash).toContain("type=issued");
    await poll(() => rows.count()).toBe(3);
    expect((await cells(page, "table.activity", 0)).slice(1, 7)).toEqual([
      camille.name,
      "Manual",
      "+15",
      String(before + 15),
      "Alice",
      "Paris 01",
    ]);
    await context.close();
  }, 120_000);

  it("records a purchase return from a purchase row of the ledger", async () => {
    const { context, page } = await openConsole(browser, stack, "alice", { at: `#/customers/${camille.id}` });
    const before = await balanceOf(camille.id);
    const purchaseRow = page.locator("#ledger tbody tr", { hasText: "Purchase" }).first();
    await purchaseRow.locator("button.return").click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("#return-amount").waitFor();
    expect(await dialog.locator("#return-purchase").innerText()).toContain(
      "The purchase: €23.40, +23 points.",
    );
    // More than was bought: the API names the field.
    await dialog.locator("#return-amount").fill("50.00");
    await dialog.locator("button[type=submit]").click();
    await dialog.locator("#return-amount-error").waitFor();
    // The reason is under the field, which has the focus; no summary repeats it.
    expect(await page.evaluate("document.activeElement?.id")).toBe("return-amount");
    expect(await dialog.locator("[role=alert]").count()).toBe(0);
    await expectAccessible(page);
    await consoleShot(page, "customer-return-dialog");
    await dialog.locator("#return-amount").fill("10.00");
    await dialog.locator("button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    // 23 points × 10.00 ÷ 23.40 = 9.83, rounded down as the purchase was: 9 points taken back.
    await poll(() => page.locator("#customer-status").innerText()).toBe(
      `Purchase return recorded: -9 points. New balance: ${before - 9} points.`,
    );
    expect(await balanceOf(camille.id)).toBe(before - 9);
    await poll(async () => (await cells(page, "#ledger", 0)).slice(1, 4)).toEqual([
      "Purchase return",
      "-9",
      String(before - 9),
    ]);

    // Deduct points: more than the balance is refused in the API's words; then a correction goes through.
    await page.locator("#deduct-points").click();
    const deduct = page.locator("dialog[open]");
    await deduct.locator("#points-amount").fill(String(before));
    await deduct.locator("#points-reason").selectOption("correction");
    await deduct.locator("button[type=submit]").click();
    await deduct.locator("[role=alert]").waitFor();
    expect(await balanceOf(camille.id)).toBe(before - 9);
    await deduct.locator("#points-amount").fill("4");
    await deduct.locator("button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    await poll(() => page.locator("#customer-status").innerText()).toBe(
      `4 points deducted. New balance: ${before - 13} points.`,
    );
    await poll(async () => (await cells(page, "#ledger", 0)).slice(1, 4)).toEqual([
      "Manual",
      "-4",
      String(before - 13),
    ]);
    await context.close();
  }, 60_000);

  it("edits contact details, and the change shows in the audit trail", async () => {
    const { context, page } = await openConsole(browser, stack, "alice", { at: `#/customers/${dominique}` });
    await page.locator("h1", { hasText: "Dominique Petit" }).waitFor();
    await page.locator("#edit-contact").click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("#contact-email").waitFor();
    await expectAccessible(page);
    await consoleShot(page, "customer-contact-dialog");
    // Another customer's phone is refused, naming the field.
    await dialog.locator("#contact-phone").fill("06 12 34 56 78");
    await dialog.locator("button[type=submit]").click();
    await dialog.locator("#contact-phone-error").waitFor();
    await dialog.locator("#contact-phone").fill("06 98 76 54 32");
    await dialog.locator("#contact-email").fill("dominique.petit@example.com");
    await dialog.locator("button[type=submit]").click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    await poll(() => page.locator("#customer-status").innerText()).toBe("Contact details saved (e-mail).");
    await poll(() => page.locator("dl.facts").innerText()).toContain("dominique.petit@example.com");
    await poll(async () => (await cells(page, "#audit", 0)).slice(1)).toEqual(["Alice", "e-mail"]);
    await context.close();
  }, 60_000);

  it("speaks French at a tablet's size", async () => {
    const { context, page } = await openConsole(browser, stack, "alice", {
      locale: "fr-FR",
      device: TABLET,
      at: `#/customers/${camille.id}`,
    });
    await page.locator("#ledger").waitFor();
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    // The ledger fits the tablet's width: no column (the row's actions last) hidden behind a sideways scroll.
    expect(await fitsItsBox(page)).toBe(true);
    expect(await page.locator("#ledger-h").innerText()).toBe("Historique des points");
    expect(await page.locator("#issue-points").innerText()).toBe("Attribuer des points");
    expect((await cells(page, "#ledger", 0))[1]).toBe("Manuel");
    expect((await cells(page, "#ledger", 1))[1]).toBe("Retour d'achat");
    // The page itself does not scroll sideways on a tablet: the wide tables scroll inside their box.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(820);
    await expectAccessible(page);
    await consoleShot(page, "customer-fr-tablet");
    await page.locator("#issue-points").click();
    await page.locator("dialog[open] #points-amount").waitFor();
    await consoleShot(page, "customer-issue-dialog-fr-tablet");
    await page.keyboard.press("Escape");
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    await page.goto(`${stack.baseUrl}/console#/activity?type=manual`);
    await page.locator("table.activity tbody tr").first().waitFor();
    expect(await page.locator("#activity-type option:checked").innerText()).toBe("Manuels");
    expect(await fitsItsBox(page)).toBe(true);
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(820);
    await expectAccessible(page);
    await consoleShot(page, "activity-fr-tablet");
    await context.close();
  }, 60_000);

  it("says how far a bounded search went, and goes on from its cursor", async () => {
    const { context, page } = await openConsole(browser, stack, "alice");
    // A page that stopped at its read budget with nothing found yet, then the end of the search: the API's
    // answers stood in for, since reaching the budget for real takes hundreds of entries.
    const asked: URLSearchParams[] = [];
    await page.route(/\/v1\/activity\?/, (route) => {
      const query = new URL(route.request().url()).searchParams;
      asked.push(query);
      const body = query.get("cursor")
        ? { rows: [], nextCursor: null, searchedTo: null }
        : { rows: [], nextCursor: "page-2", searchedTo: "2026-11-20T08:00:00.000Z" };
      return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
    });
    await page.goto(`${stack.baseUrl}/console#/activity?type=expired&locationId=lyon-01`);
    const notice = page.locator(".searched");
    await poll(() => notice.locator("p").innerText()).toBe(
      "No activity matches these filters after Nov 20, 2026, 9:00 AM yet.",
    );
    expect(await page.locator("nav.pager button", { hasText: "Next page" }).count()).toBe(0);
    await notice.locator("button", { hasText: "Continue searching" }).click();
    await poll(() => page.locator("p[role=status]").innerText()).toBe("No activity matches these filters.");
    expect(new URL(page.url()).hash).toBe("#/activity?type=expired&locationId=lyon-01&cursor=page-2");
    // Only the filtered view's requests: the unfiltered activity page the console opened on may still be
    // asking when the route is set up (it did in CI, on a busy machine).
    const filtered = asked.filter((query) => query.has("type"));
    expect(
      filtered.map((query) => [query.get("type"), query.get("locationId"), query.get("cursor")]),
    ).toEqual([
      ["expired", "lyon-01", null],
      ["expired", "lyon-01", "page-2"],
    ]);
    await page.locator("nav.pager button", { hasText: "First page" }).waitFor();
    await context.close();
  }, 60_000);

  it("offers a staff member no change to points or contact details", async () => {
    const { context, page } = await openConsole(browser, stack, "bob", { at: `#/customers/${camille.id}` });
    await page.locator("#ledger tbody tr").first().waitFor();
    expect(await page.locator("h1").innerText()).toBe(camille.name);
    expect(await page.locator("#issue-points, #deduct-points, #edit-contact, button.return").count()).toBe(0);
    await consoleShot(page, "customer-bob");
    await context.close();
  }, 60_000);
});

import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { startLocalWebhooks } from "../../infra/local/webhooks.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { accessibilityViolations, CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from "../support/browser.ts";
import { consoleShot, expectAccessible, openConsole } from "../support/console-browser.ts";
import { checkBrowserTraffic } from "../support/openapi-validator.ts";
import { earn, portalLinkFor } from "../support/portal.ts";
import { PARIS } from "../support/rewards-fixtures.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * Referrals in a real headless Chromium: a friend opens a member's referral link
 * (`/join/{merchantId}?ref=CODE`), switches the page to English and joins with the code; the portal's
 * "Invite a friend" shows the member's link, code and offer and copies the link; the console's customer
 * page lists the referral on both members' pages and cancels it, both rewards taken back. The webhooks
 * stream consumer runs, as it pays the referrer.
 */
const available = chromiumAvailable("referral join browser tests");

let stack: TestStack;
let browser: Browser;
let alice: string;
let webhooks: Awaited<ReturnType<typeof startLocalWebhooks>>;

const OUTPUT = new URL("../output/", import.meta.url).pathname;
const OFFER = { referrerPoints: 100, refereePoints: 50, qualifyWithinDays: 30, maxPerReferrerPerMonth: 5 };

beforeAll(async () => {
  if (!available) return;
  stack = await startTestStack();
  alice = await stack.token("alice");
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  webhooks = await startLocalWebhooks({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: stack.db.table,
    pollIntervalMs: 50,
  });
  await mkdir(OUTPUT, { recursive: true });
  const current = (await stack.call("GET", `/v1/programs/${PARIS.programId}`, { token: alice })).body.program;
  const saved = await stack.call("PUT", `/v1/programs/${PARIS.programId}`, {
    token: alice,
    body: {
      name: current.name,
      rule: current.rule,
      expiry: current.expiry,
      referrals: OFFER,
    },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(saved.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await webhooks?.close();
  await browser?.close();
  await stack?.close();
});

describe.skipIf(!available)("a referral link in the browser", () => {
  it("keeps the code across the language switch and joins with it", async () => {
    const referrer = await stack.call("POST", "/v1/customers", {
      token: alice,
      body: { name: "Referrer" },
      headers: { "idempotency-key": randomUUID() },
    });
    const { id, referralCode } = referrer.body.customer as { id: string; referralCode: string };
    const context = await browser.newContext({ locale: "fr-FR" });
    checkBrowserTraffic(context, stack.baseUrl);
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/join/${DEMO.merchantId}?ref=${referralCode}`);
    await page.getByRole("link", { name: "English" }).click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    expect(new URL(page.url()).searchParams.get("ref")).toBe(referralCode);
    await page.getByLabel("Name").fill("Friend Browser");
    await page.getByLabel("Email").fill(`friend-${randomUUID().slice(0, 8)}@example.com`);
    await page.getByRole("button", { name: /card/i }).click();
    await page.locator("#done").waitFor({ state: "visible" });
    const listed = await stack.call("GET", `/v1/customers/${id}/referrals`, { token: alice });
    expect(listed.body.referrals).toEqual([expect.objectContaining({ status: "pending", role: "referrer" })]);
    await context.close();
  }, 60_000);
});

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

const balanceOf = async (customerId: string) =>
  (await stack.call("GET", `/v1/customers/${customerId}`, { token: alice })).body.customer.balance as number;
const referralsOf = async (customerId: string, token = alice) =>
  (await stack.call("GET", `/v1/customers/${customerId}/referrals`, { token })).body.referrals as {
    id: string;
    status: string;
    role: string;
  }[];

/** A referral paid to both, made through the API: referrer, friend joined with the code, first purchase. */
async function rewardedPair() {
  const enrolled = await stack.call("POST", "/v1/customers", {
    token: alice,
    body: { name: "Roland Parrain", email: unique("referrer"), locale: "en" },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(enrolled.status).toBe(201);
  const { id: referrerId, referralCode } = enrolled.body.customer as { id: string; referralCode: string };
  const joined = await stack.call("POST", `/v1/join/${DEMO.merchantId}`, {
    body: {
      name: "Camille Filleule",
      email: unique("friend"),
      locale: "fr",
      consents: { transactional: false, marketing: false },
      referralCode,
    },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(joined.status, JSON.stringify(joined.body)).toBe(201);
  const friendId = joined.body.customer.id as string;
  await earn(stack, {
    customerId: friendId,
    locationId: PARIS.locationId,
    type: "purchase",
    amount: "20.00",
    currency: "EUR",
  });
  await poll(async () => (await referralsOf(referrerId))[0]?.status).toBe("rewarded");
  expect(await balanceOf(referrerId)).toBe(100);
  expect(await balanceOf(friendId)).toBe(70);
  return { referrerId, referralCode, friendId };
}

/** The portal opened from a member's link, once their data is shown. */
async function openPortal(link: string, locale: "en-GB" | "fr-FR"): Promise<Page> {
  const context = await browser.newContext({
    locale,
    timezoneId: "Europe/Paris",
    viewport: { width: 480, height: 900 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  checkBrowserTraffic(context, stack.baseUrl);
  const page = await context.newPage();
  await page.goto(link);
  await page.locator("#content").waitFor({ state: "visible" });
  return page;
}

describe.skipIf(!available)("referrals in the portal and the console", () => {
  it("shows the member their join link, code and offer, copies the link, and hides it without a code", async () => {
    const { referrerId, referralCode, friendId } = await rewardedPair();
    const joinLink = `${stack.baseUrl}/join/${DEMO.merchantId}?ref=${referralCode}`;

    const page = await openPortal(await portalLinkFor(stack, referrerId), "en-GB");
    const invite = page.locator("#invite");
    await invite.waitFor({ state: "visible" });
    expect(await invite.locator("h2").textContent()).toBe("Invite a friend");
    expect(await page.getByLabel("Your invitation link").inputValue()).toBe(joinLink);
    expect(await page.locator("#invite-code").textContent()).toBe(referralCode);
    expect(await page.locator("#invite-offer").textContent()).toBe(
      "You get 100 points and your friend gets 50 points when they make a first purchase or visit within 30 days of joining.",
    );
    await page.getByRole("button", { name: "Copy the link" }).click();
    await poll(() => page.locator("#invite-result").textContent()).toBe(
      "Link copied: paste it into a message to your friend.",
    );
    // A string: the test is compiled without the DOM library.
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(joinLink);
    expect(await accessibilityViolations(page)).toEqual([]);
    await invite.screenshot({ path: join(OUTPUT, "portal-invite-en.png") });
    // The link opens the join page with the code in it.
    const joinPage = await page.context().newPage();
    await joinPage.goto(joinLink);
    expect(new URL(joinPage.url()).searchParams.get("ref")).toBe(referralCode);
    await page.context().close();

    // The friend (French) has a code of their own to pass on.
    const friendCode = (await stack.call("GET", `/v1/customers/${friendId}`, { token: alice })).body.customer
      .referralCode as string;
    const friendPage = await openPortal(await portalLinkFor(stack, friendId), "fr-FR");
    await friendPage.locator("#invite").waitFor({ state: "visible" });
    expect(await friendPage.locator("#invite h2").textContent()).toBe("Parrainer un ami");
    expect(await friendPage.locator("#invite-code").textContent()).toBe(friendCode);
    expect(await friendPage.locator("#invite-offer").textContent()).toBe(
      "Vous recevez 100 points et votre ami 50 points quand il fait un premier achat ou passage en magasin dans les 30 jours suivant son inscription.",
    );
    await friendPage.getByRole("button", { name: "Copier le lien" }).click();
    await poll(() => friendPage.locator("#invite-result").textContent()).toBe(
      "Lien copié : collez-le dans un message à votre ami.",
    );
    expect(await accessibilityViolations(friendPage)).toEqual([]);
    await friendPage.locator("#invite").screenshot({ path: join(OUTPUT, "portal-invite-fr.png") });
    await friendPage.context().close();

    // A member enrolled before referrals has no code: no section.
    const older = await stack.call("POST", "/v1/customers", {
      token: alice,
      body: { name: "Ancien Membre", email: unique("older") },
      headers: { "idempotency-key": randomUUID() },
    });
    await stack.db.client.send(
      new UpdateCommand({
        TableName: stack.db.table,
        Key: { pk: customerPk(DEMO.merchantId, older.body.customer.id), sk: "#PROFILE" },
        UpdateExpression: "REMOVE referralCode",
      }),
    );
    const olderPage = await openPortal(await portalLinkFor(stack, older.body.customer.id), "en-GB");
    await olderPage.locator("#history li, #no-history:not([hidden])").first().waitFor();
    expect(await olderPage.locator("#invite").isHidden()).toBe(true);
    await olderPage.context().close();
  }, 90_000);

  it("lists the referral on both members' pages and cancels it, taking both rewards back", async () => {
    const { referrerId, friendId } = await rewardedPair();

    // Staff without referrals:cancel see the referral and no button.
    const asBob = await openConsole(browser, stack, "bob", { at: `#/customers/${referrerId}` });
    await asBob.page.locator("#referrals-table tr[data-referral]").waitFor();
    expect(await asBob.page.locator(".referral-cancel").count()).toBe(0);
    await asBob.context.close();

    const { context, page } = await openConsole(browser, stack, "alice", { at: `#/customers/${referrerId}` });
    const row = page.locator("#referrals-table tr[data-referral]");
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute("data-role")).toBe("referrer");
    await poll(() => row.locator("a").textContent()).toBe("Camille Filleule");
    expect(await row.locator(".referral-status").innerText()).toBe("Rewarded");
    expect(await row.locator(".referral-points").innerText()).toBe(
      "Referrer: 100 points, paid\nFriend: 50 points, paid",
    );
    await expectAccessible(page);
    await consoleShot(page, "customer-referrals-en");

    // The friend's page, through the link: the referral they joined by.
    await row.locator("a").click();
    await poll(() => page.locator("#page-title").textContent()).toBe("Camille Filleule");
    const friendRow = page.locator("#referrals-table tr[data-referral]");
    await poll(() => friendRow.getAttribute("data-role")).toBe("referee");
    await poll(() => friendRow.locator("a").textContent()).toBe("Roland Parrain");
    await context.close();

    // Cancelled from the friend's page, in French.
    const french = await openConsole(browser, stack, "alice", {
      locale: "fr-FR",
      at: `#/customers/${friendId}`,
    });
    const fr = french.page;
    await fr.locator("#referrals-table tr[data-referral]").waitFor();
    await fr.getByRole("button", { name: "Annuler le parrainage avec Roland Parrain" }).click();
    const dialog = fr.getByRole("dialog", { name: "Annuler ce parrainage ?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("100 points au parrain et 50 points au filleul");
    await expectAccessible(fr);
    await consoleShot(fr, "customer-referral-cancel-fr");
    await dialog.getByRole("button", { name: "Annuler le parrainage" }).click();
    await poll(() => fr.locator("#customer-status").textContent()).toBe(
      "Parrainage annulé : les récompenses versées ont été reprises.",
    );
    await poll(() => fr.locator("#customer-balance").textContent()).toBe("20 points");
    const cancelledRow = fr.locator("#referrals-table tr[data-referral]");
    await poll(() => cancelledRow.locator(".referral-status strong").textContent()).toBe("Annulé");
    expect(await cancelledRow.locator(".referral-reason").textContent()).toBe(
      "Annulé par le commerçant : les récompenses ont été reprises.",
    );
    expect(await cancelledRow.locator(".referral-points").innerText()).toBe(
      "Parrain : 100 points, repris\nFilleul : 50 points, repris",
    );
    expect(await cancelledRow.locator(".referral-cancel").count()).toBe(0);
    await expectAccessible(fr);
    await consoleShot(fr, "customer-referral-cancelled-fr");
    await french.context.close();

    // Both rewards taken back, as the API says; another merchant sees none of it.
    expect(await balanceOf(referrerId)).toBe(0);
    expect(await balanceOf(friendId)).toBe(20);
    const [referral] = await referralsOf(referrerId);
    expect(referral?.status).toBe("cancelled");
    const mallory = await stack.token("mallory");
    const foreign = await stack.call("GET", `/v1/customers/${referrerId}/referrals`, { token: mallory });
    expect(foreign.status).toBe(404);
    const foreignCancel = await stack.call("POST", `/v1/referrals/${referral?.id}/cancel`, {
      token: mallory,
      body: {},
      headers: { "idempotency-key": randomUUID() },
    });
    expect(foreignCancel.status).toBe(404);
  }, 120_000);
});

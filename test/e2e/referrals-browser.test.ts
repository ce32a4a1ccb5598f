import { randomUUID } from "node:crypto";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from "../support/browser.ts";
import { checkBrowserTraffic } from "../support/openapi-validator.ts";
import { PARIS } from "../support/rewards-fixtures.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * A friend opens a member's referral link (`/join/{merchantId}?ref=CODE`) in a real headless Chromium,
 * switches the page to English and joins: the join carries the code, and the referral is pending.
 */
const available = chromiumAvailable("referral join browser tests");

let stack: TestStack;
let browser: Browser;
let alice: string;

beforeAll(async () => {
  if (!available) return;
  stack = await startTestStack();
  alice = await stack.token("alice");
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const current = (await stack.call("GET", `/v1/programs/${PARIS.programId}`, { token: alice })).body.program;
  const saved = await stack.call("PUT", `/v1/programs/${PARIS.programId}`, {
    token: alice,
    body: {
      name: current.name,
      rule: current.rule,
      expiry: current.expiry,
      referrals: { referrerPoints: 100, refereePoints: 50, qualifyWithinDays: 30, maxPerReferrerPerMonth: 5 },
    },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(saved.status).toBe(200);
}, 60_000);
afterAll(async () => {
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

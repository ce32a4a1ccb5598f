import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable } from "../support/browser.ts";
import {
  consoleShot,
  expectAccessible,
  launchChromium,
  openConsole,
  TABLET,
} from "../support/console-browser.ts";
import { asCustomer, enrolCustomer, portalTokenFor } from "../support/portal.ts";
import { PARIS, type RedemptionStack, startRedemptionStack } from "../support/rewards-fixtures.ts";

/**
 * The console's redemption page and claims queue in headless Chromium, against the local stack with the
 * fake external coupon issuer: each of the six outcomes of the help article "Cancel points redemption"
 * through the Refund points button, its words before and after, and what the API then holds.
 */
const available = chromiumAvailable("console redemption browser tests");
/** As long as a locator waits (openConsole's default): on two shared cores a reload can take seconds. */
const SLOW = { timeout: 15_000 };

let t: RedemptionStack;
let browser: Browser;
let alice: { context: BrowserContext; page: Page };

beforeAll(async () => {
  if (!available) return;
  [t, browser] = await Promise.all([startRedemptionStack(), launchChromium()]);
  alice = await openConsole(browser, t.stack, "alice");
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A customer who spent 100 of their 150 points on `reward`. */
async function redemptionOf(reward: { id: string }) {
  const { customerId } = await t.api.customerWith(150);
  const redemption = await t.api.redeemed(customerId, reward.id);
  return { customerId, redemption };
}

async function redemptionNow(id: string) {
  const answer = await t.stack.call("GET", `/v1/redemptions/${id}`, { token: t.alice });
  return answer.body.redemption;
}

async function openRedemption(page: Page, id: string) {
  await page.goto(`${t.stack.baseUrl}/console#/redemptions/${id}`);
  await page.locator("#coupon-status").waitFor();
}

/** Refund points → the dialog with its words before; returns them. */
async function openRefund(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Refund points" }).click();
  const before = page.locator("dialog #refund-before");
  await before.waitFor();
  return (await before.textContent()) ?? "";
}

async function confirmRefund(page: Page, label: "Refund points" | "Refund anyway" | "Try again") {
  await page.locator("dialog").getByRole("button", { name: label }).click();
}

async function afterText(page: Page): Promise<string> {
  const after = page.locator("#refund-after");
  await after.waitFor();
  // The outcome takes the focus once the redemption is drawn again (its Refund points button gone).
  await expect.poll(() => page.locator("[role=status]:focus").count(), SLOW).toBe(1);
  return (await after.textContent()) ?? "";
}

describe.runIf(available)("the redemption page in Chromium", { timeout: 90_000 }, () => {
  it("(1) unused: reached from the activity row, revokes the coupon and gives the points back", async () => {
    const { page } = alice;
    const { customerId, redemption } = await redemptionOf(t.rewards.internal);
    // As the help article says: from the activity log, the redemption row's link.
    await page.goto(`${t.stack.baseUrl}/console#/activity?type=redeemed`);
    await page.locator(`a[href$="/redemptions/${redemption.id}"]`).first().click();
    await page.locator("#coupon-status").waitFor();
    expect(page.url()).toContain(`#/redemptions/${redemption.id}`);
    await expect.poll(() => page.locator("h1").textContent(), SLOW).toBe("Redemption: Free coffee");
    expect(await page.locator("dl.facts").textContent()).toContain(redemption.code);
    expect(await page.locator("#coupon-status").textContent()).toBe("Not used");
    await consoleShot(page, "redemption-unused");
    await expectAccessible(page);

    const before = await openRefund(page);
    expect(before).toMatch(/has not been used\. Refunding revokes it.*gives the 100 points back/);
    await page.locator("#refund-note").fill("Redeemed by mistake at the till");
    await expectAccessible(page);
    await consoleShot(page, "redemption-unused-dialog");
    await confirmRefund(page, "Refund points");
    expect(await afterText(page)).toBe(
      "The coupon was revoked and the 100 points are back on the customer's balance (now 150).",
    );
    await expect.poll(() => page.locator("#coupon-status").textContent(), SLOW).toBe("Revoked");
    expect(await page.locator("#refund-done").textContent()).toMatch(/^Refunded on /);
    // A refunded redemption offers no second refund.
    expect(await page.getByRole("button", { name: "Refund points" }).count()).toBe(0);
    await consoleShot(page, "redemption-unused-refunded");
    expect(await t.api.balance(customerId)).toBe(150);
    const refunded = await redemptionNow(redemption.id);
    expect(refunded).toMatchObject({
      status: "revoked",
      refund: { outcome: "revoked_and_refunded", note: "Redeemed by mistake at the till" },
    });
    await page.locator("dl.facts a").click();
    await expect.poll(() => page.url(), SLOW).toContain(`#/customers/${customerId}`);
  });

  it("(2) unused but its reward deleted: says the coupon stays usable, refunds with force", async () => {
    const { page } = alice;
    const reward = await t.api.reward({ name: `Soon gone ${randomUUID().slice(0, 6)}`, points: 100 });
    const { customerId, redemption } = await redemptionOf(reward);
    expect((await t.stack.call("DELETE", `/v1/rewards/${reward.id}`, { token: t.alice })).status).toBe(200);
    await openRedemption(page, redemption.id);
    expect(await page.locator("dl.facts").textContent()).toContain("This reward has since been deleted.");
    const before = await openRefund(page);
    expect(before).toMatch(
      /reward this coupon came from was deleted.*cannot be revoked: it stays usable.*refund anyway\?/,
    );
    await consoleShot(page, "redemption-deleted-dialog");
    await confirmRefund(page, "Refund anyway");
    expect(await afterText(page)).toBe(
      "The 100 points are back on the customer's balance (now 150). The coupon could not be revoked: it can still be used.",
    );
    await consoleShot(page, "redemption-deleted-refunded");
    expect(await t.api.balance(customerId)).toBe(150);
    expect(await redemptionNow(redemption.id)).toMatchObject({
      status: "issued",
      refund: { outcome: "refunded_not_revoked" },
    });
  });

  it("(3) the coupon service fails, nothing is refunded; Try again sends the same key and succeeds once", async () => {
    const { page } = alice;
    const { customerId, redemption } = await redemptionOf(t.rewards.external);
    const keys: string[] = [];
    const listen = (request: { method(): string; url(): string; headers(): Record<string, string> }) => {
      if (request.method() === "POST" && request.url().endsWith(`/v1/redemptions/${redemption.id}/refund`))
        keys.push(request.headers()["idempotency-key"] ?? "");
    };
    page.on("request", listen);
    try {
      await openRedemption(page, redemption.id);
      const before = await openRefund(page);
      expect(before).toMatch(/revokes it in your online shop/);
      t.issuer.fail("DELETE", "error");
      await confirmRefund(page, "Refund points");
      const alert = page.locator("dialog [role=alert]");
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(
        /^The coupon service did not answer: nothing was refunded\. Try again/,
      );
      await expectAccessible(page);
      await consoleShot(page, "redemption-issuer-down");
      expect(await t.api.balance(customerId)).toBe(50);
      expect(await redemptionNow(redemption.id)).toMatchObject({ status: "issued", refundedAt: null });

      await confirmRefund(page, "Try again");
      expect(await afterText(page)).toBe(
        "The coupon was revoked and the 100 points are back on the customer's balance (now 150).",
      );
      await consoleShot(page, "redemption-issuer-retried");
    } finally {
      page.off("request", listen);
    }
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(t.issuer.coupons.get(redemption.code)?.status).toBe("revoked");
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });

  it("(4) already used: the points can come back, the discount cannot be undone — refund anyway", async () => {
    const { page } = alice;
    const { customerId, redemption } = await redemptionOf(t.rewards.internal);
    expect((await t.api.use(redemption.id)).status).toBe(200);
    await openRedemption(page, redemption.id);
    expect(await page.locator("#coupon-status").textContent()).toBe("Used");
    const before = await openRefund(page);
    expect(before).toMatch(
      /^This coupon was already used on .+: the points can come back, the discount cannot be undone — refund anyway\?$/,
    );
    await consoleShot(page, "redemption-used-dialog");
    await confirmRefund(page, "Refund anyway");
    expect(await afterText(page)).toBe(
      "The 100 points are back on the customer's balance (now 150). The discount the customer already had is not undone.",
    );
    await consoleShot(page, "redemption-used-refunded");
    expect(await redemptionNow(redemption.id)).toMatchObject({
      status: "used",
      refund: { outcome: "refunded_after_use" },
    });
    expect(await t.api.balance(customerId)).toBe(150);
  });

  it("(4) used at the online shop, which the page could not know: the 409 turns the question into refund anyway", async () => {
    const { page } = alice;
    const { customerId, redemption } = await redemptionOf(t.rewards.external);
    const coupon = t.issuer.coupons.get(redemption.code);
    if (!coupon) throw new Error("the issuer has no such coupon");
    coupon.status = "used";
    await openRedemption(page, redemption.id);
    expect(await openRefund(page)).toMatch(/has not been used/);
    await confirmRefund(page, "Refund points");
    await expect
      .poll(() => page.locator("dialog #refund-before").textContent(), SLOW)
      .toMatch(/already used: the points can come back, the discount cannot be undone — refund anyway\?/);
    expect(await page.locator("dialog .notice").first().textContent()).toBe(
      "Your online shop says this coupon was used.",
    );
    await confirmRefund(page, "Refund anyway");
    expect(await afterText(page)).toMatch(/not undone/);
    expect(await t.api.balance(customerId)).toBe(150);
  });

  it("(5) untracked: says use cannot be known, refunds without force", async () => {
    const { page } = alice;
    t.issuer.untracked = true;
    let created: Awaited<ReturnType<typeof redemptionOf>>;
    try {
      created = await redemptionOf(t.rewards.external);
    } finally {
      t.issuer.untracked = false;
    }
    const { customerId, redemption } = created;
    await openRedemption(page, redemption.id);
    expect(await page.locator("dl.facts").textContent()).toContain(
      "Not tracked: whether it is used cannot be known",
    );
    const before = await openRefund(page);
    expect(before).toMatch(/not tracked: nobody can tell whether it was used or will be/);
    await consoleShot(page, "redemption-untracked-dialog");
    await confirmRefund(page, "Refund points");
    expect(await afterText(page)).toBe(
      "The 100 points are back on the customer's balance (now 150). Whether the coupon was or will be used cannot be known.",
    );
    await consoleShot(page, "redemption-untracked-refunded");
    expect(await redemptionNow(redemption.id)).toMatchObject({
      refund: { outcome: "refunded_usage_unknown" },
    });
    expect(await t.api.balance(customerId)).toBe(150);
  });

  it("(6) refunded meanwhile elsewhere: the 409 is said with its date, nothing changes", async () => {
    const { page } = alice;
    const { customerId, redemption } = await redemptionOf(t.rewards.internal);
    await openRedemption(page, redemption.id);
    await openRefund(page);
    // A colleague refunds it while the dialog is open.
    const elsewhere = await t.api.refund(redemption.id);
    expect(elsewhere.status).toBe(200);
    await confirmRefund(page, "Refund points");
    const refundedAt = elsewhere.body.redemption.refundedAt as string;
    const date = await page.evaluate(
      (at) => new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(new Date(at)),
      refundedAt,
    );
    expect(await afterText(page)).toBe(
      `This redemption was already refunded on ${date}. Nothing was changed.`,
    );
    await consoleShot(page, "redemption-already-refunded");
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });

  it("in French on a tablet, and without redemptions:refund no Refund points is offered", async () => {
    const { redemption } = await redemptionOf(t.rewards.external);
    const french = await openConsole(browser, t.stack, "alice", {
      locale: "fr-FR",
      device: TABLET,
      at: `#/redemptions/${redemption.id}`,
    });
    try {
      await french.page.locator("#coupon-status").waitFor();
      expect(await french.page.locator("h1").textContent()).toBe("Échange : 5 EUR off online");
      await french.page.getByRole("button", { name: "Rembourser les points" }).click();
      expect(await french.page.locator("dialog #refund-before").textContent()).toMatch(
        /révoque dans votre boutique en ligne/,
      );
      await expectAccessible(french.page);
      await consoleShot(french.page, "redemption-fr-tablet-dialog");
    } finally {
      await french.context.close();
    }
    const bob = await openConsole(browser, t.stack, "bob", { at: `#/redemptions/${redemption.id}` });
    try {
      await bob.page.locator("#coupon-status").waitFor();
      expect(await bob.page.getByRole("button", { name: "Refund points" }).count()).toBe(0);
      await consoleShot(bob.page, "redemption-staff");
    } finally {
      await bob.context.close();
    }
  });
});

describe.runIf(available)("the claims queue in Chromium", { timeout: 90_000 }, () => {
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

  /** A pending claim of 23.40 EUR at Paris an hour ago; `credited` first earns that much there then. */
  async function claimOf(name: string, credited?: string) {
    const customerId = await enrolCustomer(t.stack, { name, locale: "en" });
    if (credited) await t.api.purchase(customerId, credited);
    const token = await portalTokenFor(t.stack, customerId);
    const filed = await asCustomer(
      t.stack,
      token,
      "POST",
      "/v1/me/claims",
      {
        occurredAt: minutesAgo(60),
        locationId: PARIS.locationId,
        amount: "23.40",
        description: "My coffee and croissant were not scanned",
      },
      { "idempotency-key": randomUUID() },
    );
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    return { customerId, claimId: filed.body.claim.id as string };
  }

  it("shows the match and the proposal, approves one claim and rejects another with a reason", async () => {
    const { page } = alice;
    const approved = await claimOf("Claude Approuvé");
    const rejected = await claimOf("Rémi Refusé", "5.00");
    await page.goto(`${t.stack.baseUrl}/console#/claims`);
    const card = (name: string) => page.locator("li.card", { has: page.getByRole("heading", { name }) });
    await card("Claude Approuvé").waitFor();
    const text = await card("Claude Approuvé").textContent();
    expect(text).toContain("Nothing in the customer's history matches this claim.");
    expect(text).toContain("23 points");
    expect(text).toContain("23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points");
    expect(text).toContain("€23.40");
    // A purchase of 5.00 was credited meanwhile (a minute ago, inside the claim's window): the match says so.
    const differs = await card("Rémi Refusé").textContent();
    expect(differs).toContain("A purchase was credited then for another amount.");
    expect(differs).toMatch(/Found: 5 points on .+: /);
    expect(differs).toContain("18 points");
    await expectAccessible(page);
    await consoleShot(page, "claims-pending");

    await card("Claude Approuvé")
      .getByRole("button", { name: /^Approve/ })
      .click();
    expect(await page.locator("#claim-points").inputValue()).toBe("23");
    await expectAccessible(page);
    await consoleShot(page, "claims-approve-dialog");
    await page.locator("dialog").getByRole("button", { name: "Approve and credit the points" }).click();
    await expect
      .poll(() => page.locator("#claims-message").textContent(), SLOW)
      .toBe("Claim of Claude Approuvé approved: 23 points credited.");
    await card("Claude Approuvé").waitFor({ state: "detached" });

    await card("Rémi Refusé")
      .getByRole("button", { name: /^Reject/ })
      .click();
    await page.locator("#claim-reason").fill("No purchase at Paris at that time");
    await expectAccessible(page);
    await consoleShot(page, "claims-reject-dialog");
    await page.locator("dialog").getByRole("button", { name: "Reject the claim" }).click();
    await expect
      .poll(() => page.locator("#claims-message").textContent(), SLOW)
      .toBe("Claim of Rémi Refusé rejected. They are told why.");
    await card("Rémi Refusé").waitFor({ state: "detached" });

    const customer = await t.stack.call("GET", `/v1/customers/${approved.customerId}`, { token: t.alice });
    expect(customer.body.customer.balance).toBe(23);
    const decided = await t.stack.call("GET", "/v1/claims?status=rejected", { token: t.alice });
    expect(decided.body.claims).toEqual([
      expect.objectContaining({
        id: rejected.claimId,
        decision: expect.objectContaining({ reason: "No purchase at Paris at that time" }),
      }),
    ]);

    await page.locator("#claims-status").selectOption("rejected");
    await page.getByRole("button", { name: "Show" }).click();
    await expect.poll(() => page.url(), SLOW).toContain("#/claims?status=rejected");
    await card("Rémi Refusé").waitFor();
    expect(await card("Rémi Refusé").textContent()).toContain(
      "Reason given: No purchase at Paris at that time",
    );
    await expectAccessible(page);
    await consoleShot(page, "claims-rejected");
  });
});

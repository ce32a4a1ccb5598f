import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchFreshProfile } from "../support/browser.ts";
import { mailsTo, readEml } from "../support/mail.ts";
import { checkBrowserTraffic } from "../support/openapi-validator.ts";
import { enrolCustomer, portalLinkFor } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * The contact change as a customer lives it, in headless Chromium under the page's strict CSP: the
 * profile form says a link was sent, and the link from the email confirms in a tab without the portal
 * token. Skipped without /usr/bin/chromium locally, failing in CI (as test/e2e/portal-browser.test.ts).
 */
const available = chromiumAvailable("portal contact-change browser tests");

let stack: TestStack;
let closeBrowser: (() => Promise<void>) | undefined;
let browser: BrowserContext;
/** Content-Security-Policy violations and script errors, which must stay empty. */
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!available) return;
  stack = await startTestStack({ notifications: true });
  ({ context: browser, close: closeBrowser } = await launchFreshProfile("portal-contact", {
    locale: "en-GB",
  }));
  // The page's own calls are checked against docs/openapi.yaml like the test's.
  checkBrowserTraffic(browser, stack.baseUrl);
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  return page;
}

describe.runIf(available)("changing the email from the portal page", () => {
  it("sends a link instead of saving, and the link confirms in a tab of its own", async () => {
    const id = await enrolCustomer(stack, {
      name: "Lou Browser",
      locale: "en",
      email: "lou.old@example.com",
    });
    const page = await newPage();
    await page.goto(await portalLinkFor(stack, id));
    await page.locator("#content").waitFor({ state: "visible" });
    await page.getByLabel("Email", { exact: true }).fill("lou.new@example.com");
    await page.getByRole("button", { name: "Save" }).click();
    await poll(() => page.locator("#profile-result").textContent()).toBe(
      "A confirmation link was sent to lou.new@example.com: the change happens when you open it (within 24 hours).",
    );
    // The form shows the address still on the card.
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe("lou.old@example.com");

    await stack.notifications?.mail.waitFor((m) => m.to.includes("lou.new@example.com"), 5_000);
    const [mail] = mailsTo(stack.notifications?.mail.mails ?? [], "lou.new@example.com");
    const link = /(http:\S+\/portal#confirm=\S+)/.exec((await readEml(mail?.file ?? "")).text)?.[1] ?? "";
    expect(link).not.toBe("");

    // Another tab has no portal token (sessionStorage is per tab): the link alone confirms.
    const mailbox = await newPage();
    await mailbox.goto(link);
    await poll(() => mailbox.locator("#confirm-result").textContent()).toBe(
      "Done: lou.new@example.com is now on your card.",
    );
    expect(await mailbox.locator("#status").textContent()).toBe("");
    expect(mailbox.url()).not.toContain("confirm=");
    const customer = await stack.call("GET", `/v1/customers/${id}`, { token: await stack.token("alice") });
    expect(customer.body.customer.email).toBe("lou.new@example.com");

    // Opened again, the link says the same.
    await mailbox.goto(link);
    await poll(() => mailbox.locator("#confirm-result").textContent()).toBe(
      "Done: lou.new@example.com is now on your card.",
    );
    expect(pageErrors).toEqual([]);
    await page.close();
    await mailbox.close();
  });

  it("says so when the link is no longer valid", async () => {
    const page = await newPage();
    await page.goto(`${stack.baseUrl}/portal#confirm=demo.cus_nobody.e.${"A".repeat(32)}`);
    await poll(() => page.locator("#confirm-result").textContent()).toBe(
      "This confirmation link is no longer valid: a newer request replaced it, or your links were revoked.",
    );
    await page.close();
  });
});

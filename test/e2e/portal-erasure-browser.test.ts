import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import { accessibilityViolations, chromiumAvailable, launchFreshProfile } from "../support/browser.ts";
import { checkBrowserTraffic } from "../support/openapi-validator.ts";
import { asCustomer, enrolCustomer, portalLinkFor, tokenOf } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/** The member erases their data from the portal page, in a real headless Chromium. */
const available = chromiumAvailable("portal erasure browser tests");

let stack: TestStack;
let closeBrowser: (() => Promise<void>) | undefined;
let browser: BrowserContext;

beforeAll(async () => {
  if (!available) return;
  stack = await startTestStack();
  ({ context: browser, close: closeBrowser } = await launchFreshProfile("portal-erasure", {
    locale: "en-GB",
    viewport: { width: 480, height: 900 },
  }));
  checkBrowserTraffic(browser, stack.baseUrl);
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

describe.runIf(available)("erasing my data from the portal", () => {
  it("erases only once the box is ticked, then the page and the link stop working", async () => {
    const id = await enrolCustomer(stack, {
      name: "Ysolde Kervarec",
      email: "ysolde.k@example.org",
      locale: "en",
    });
    const link = await portalLinkFor(stack, id);
    const page = await browser.newPage();
    await page.goto(link);
    await page.locator("#content").waitFor({ state: "visible" });
    expect(await page.locator("#erase-h").textContent()).toBe("Erase my data");
    expect(await accessibilityViolations(page)).toEqual([]);

    // Unticked: the browser refuses to send the form, and nothing is erased.
    await page.getByRole("button", { name: "Erase my data" }).click();
    expect((await readCustomer(stack.db, DEMO.merchantId, id))?.erasedAt).toBeUndefined();

    await page.getByLabel("I understand this cannot be undone and I want my data erased").check();
    await page.getByRole("button", { name: "Erase my data" }).click();
    await expect
      .poll(() => page.locator("#status").textContent(), { timeout: 10_000 })
      .toBe("Your data was erased and your card voided. You can close this page.");
    expect(await page.locator("#content").isHidden()).toBe(true);
    const erased = await readCustomer(stack.db, DEMO.merchantId, id);
    expect(erased).toMatchObject({ name: "", erasedAt: expect.any(String) });
    expect((await asCustomer(stack, tokenOf(link), "GET", "/v1/me")).status).toBe(401);
    await page.close();
  });
});

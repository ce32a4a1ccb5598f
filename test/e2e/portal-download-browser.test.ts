import { readFile } from "node:fs/promises";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_FILES_PATH } from "../../shared/files/local-store.ts";
import { chromiumAvailable, launchFreshProfile } from "../support/browser.ts";
import { checkBrowserTraffic } from "../support/openapi-validator.ts";
import { earn, enrolCustomer, portalLinkFor } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * The portal's "Download my data" in a real Chromium: the click makes the export (POST /v1/me/export) and
 * follows its short-lived link, and the browser really saves a JSON file holding the member's data.
 */
const available = chromiumAvailable("portal download browser test");

let stack: TestStack;
let closeBrowser: (() => Promise<void>) | undefined;
let browser: BrowserContext;

beforeAll(async () => {
  if (!available) return;
  stack = await startTestStack();
  ({ context: browser, close: closeBrowser } = await launchFreshProfile("portal-download", {
    locale: "en-GB",
    acceptDownloads: true,
  }));
  // The page's own calls are checked against docs/openapi.yaml like the test's; the file's link is the
  // local stand-in for S3's presigned URL, no route of the API.
  checkBrowserTraffic(
    {
      on: (event, listener) =>
        browser.on(event, (response) => {
          if (!new URL(response.url()).pathname.startsWith(LOCAL_FILES_PATH)) return listener(response);
        }),
    },
    stack.baseUrl,
  );
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

describe.runIf(available)("the portal's download of the member's data", () => {
  it("saves a JSON file with the member's profile, balance and entries", async () => {
    const id = await enrolCustomer(stack, { name: "Dora Download", locale: "en" });
    await earn(stack, {
      customerId: id,
      locationId: "paris-01",
      type: "purchase",
      amount: "17.80",
      currency: "EUR",
    });
    const page = await browser.newPage();
    await page.goto(await portalLinkFor(stack, id));
    await page.locator("#content").waitFor({ state: "visible" });
    expect(await page.locator("#balance").textContent()).toBe("17");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download my data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const path = await download.path();
    const saved = JSON.parse(await readFile(path, "utf8"));
    expect(saved.profile).toMatchObject({ id, name: "Dora Download", balance: 17 });
    expect(saved.entries).toEqual([expect.objectContaining({ type: "purchase", points: 17 })]);
    expect(await page.locator("#mydata-result").textContent()).toBe(
      "Your file is ready: the download is starting.",
    );
    await page.close();
  });
});

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { accessibilityViolations, CHROMIUM, CHROMIUM_ARGS } from "./browser.ts";
import { checkBrowserTraffic } from "./openapi-validator.ts";
import type { TestStack } from "./test-stack.ts";

/**
 * The merchant console (/console) in headless Chromium for the browser tests: a signed-in page at a
 * laptop's or a tablet's size, every API answer it receives checked against docs/openapi.yaml, screenshots
 * kept in test/output/console/.
 */

export const CONSOLE_SCREENSHOTS = new URL("../output/console/", import.meta.url).pathname;

export const LAPTOP = { viewport: { width: 1280, height: 800 } };
export const TABLET = { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, hasTouch: true };

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });

export interface ConsoleOptions {
  locale?: "fr-FR" | "en-GB";
  device?: typeof LAPTOP | typeof TABLET;
  /** Where to go once signed in (a fragment such as "#/customers?q=camille"). */
  at?: string;
}

/** A fresh browser profile with the console open and signed in as a demo staff member. */
export async function openConsole(
  browser: Browser,
  stack: TestStack,
  who: "alice" | "bob",
  options: ConsoleOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  await mkdir(CONSOLE_SCREENSHOTS, { recursive: true });
  const context = await browser.newContext({
    ...(options.device ?? LAPTOP),
    locale: options.locale ?? "en-GB",
    timezoneId: "Europe/Paris",
  });
  checkBrowserTraffic(context, stack.baseUrl);
  const page = await context.newPage();
  // Well inside the test's own timeout, so a step that never comes names itself.
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (error) => console.error(`console page error: ${error.message}`));
  await page.goto(`${stack.baseUrl}/console`);
  const staff = DEMO.staff[who];
  await page.locator("#signin-email").fill(staff.email);
  await page.locator("#signin-password").fill(staff.password);
  await page.locator("form button[type=submit]").click();
  await page.locator("header .who button").waitFor();
  if (options.at) await page.goto(`${stack.baseUrl}/console${options.at}`);
  return { context, page };
}

/** A full-page screenshot in test/output/console/<name>.png. */
export const consoleShot = (page: Page, name: string) =>
  page.screenshot({ path: join(CONSOLE_SCREENSHOTS, `${name}.png`), fullPage: true });

/** axe-core finds no WCAG 2.2 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
}

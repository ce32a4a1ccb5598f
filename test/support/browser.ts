import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's chromium, which playwright-core drives (.ci/run installs it). */
export const CHROMIUM = "/usr/bin/chromium";

/** Headless, no sandbox (containers), and nothing that would reach the network on its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Whether the browser tests can run: without Chromium a suite is skipped locally, with a message, and in
 * CI the file fails, so a missing browser never passes for green.
 */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does it)`;
  if (process.env.CI) throw new Error(message);
  console.warn(`${suite} skipped: ${message}`);
  return false;
}

/** The WCAG 2.2 A and AA violations axe-core finds: rule id and the elements it names. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"])
    .analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

type ProfileOptions = Omit<
  NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>,
  "executablePath" | "headless" | "args"
>;

/**
 * Chromium with a profile of its own, fresh every run (nothing cached or stored from an earlier one), in a
 * temporary folder that `close` removes.
 */
export async function launchFreshProfile(
  name: string,
  options: ProfileOptions = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), `${name}-chromium-`));
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

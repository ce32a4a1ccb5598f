import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { PKPass } from "passkit-generator";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildPassJson } from "../../../passes/apple/pass-json.ts";
import { defaultModelDir, loadPassTemplate } from "../../../passes/apple/pass-template.ts";
import type { ApplePassView } from "../../../passes/apple/pass-view.ts";
import { applePassView } from "../../fixtures/passes/apple-pass-view.ts";
import { layOutOnPkpass, passkitOverrides } from "../../support/passkit-reference.ts";

/**
 * The renderer writes pass.json itself (passes/apple/pass-json.ts) instead of having passkit-generator clone
 * the template and validate each field on every pass. This is where passkit-generator still checks it: for
 * generated views, the pass.json written is the one passkit-generator builds from the same template, fields
 * and barcode, and a view one refuses the other refuses too.
 */
const identity = { passTypeIdentifier: "pass.com.example.loyalty", teamIdentifier: "ABCDE12345" };
const webServiceURL = "https://api.loyalty.example/apple";

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  // passkit-generator warns on the console for every field or barcode it refuses.
  warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

const template = loadPassTemplate(defaultModelDir(), identity);
const stockTemplate = new PKPass(
  { "pass.json": readFileSync(join(defaultModelDir(), "pass.json")) },
  undefined,
  identity,
);

/** The render as it was before pass-json.ts: passkit-generator's clone, field arrays and barcode setter. */
async function passkitPassJson(view: ApplePassView, timeZone: string): Promise<unknown> {
  if (Buffer.from(view.barcode, "latin1").toString("latin1") !== view.barcode) throw new TypeError("latin1");
  const pass = await PKPass.from(stockTemplate, passkitOverrides(view, webServiceURL));
  layOutOnPkpass(pass, view, timeZone);
  const props = pass.props;
  // setBarcodes drops a barcode it refuses (with a warning): the renderer refused the pass then.
  if (props.barcodes?.length !== 1) throw new TypeError("barcode");
  return props;
}

async function outcome<T>(build: () => T | Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  try {
    return { ok: true, value: await build() };
  } catch {
    return { ok: false };
  }
}

const text = (maxLength: number) => fc.string({ maxLength, unit: "grapheme" });
const latin1 = fc
  .array(fc.integer({ min: 0x20, max: 0xff }), { minLength: 1, maxLength: 40 })
  .map((codes) => String.fromCharCode(...codes));
const day = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const instant = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((date) => date.toISOString());
const points = fc.integer({ min: -1_000_000, max: 1_000_000 });
/** Mostly what a merchant can save, now and then what either side must refuse. */
const rarely = <T>(usual: fc.Arbitrary<T>, refused: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 40 }, { arbitrary: refused, weight: 1 });
const channel = rarely(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 256, max: 999 }));
const named = (maxLength: number) =>
  rarely(fc.string({ minLength: 1, maxLength, unit: "grapheme" }), fc.constant(""));
const color = fc.tuple(channel, channel, channel).map(([r, g, b]) => `rgb(${r},${g},${b})`);

const views: fc.Arbitrary<ApplePassView> = fc
  .record(
    {
      serialNumber: named(30),
      authenticationToken: rarely(fc.string({ minLength: 16, maxLength: 40 }), fc.string({ maxLength: 15 })),
      barcode: rarely(latin1, fc.constantFrom("", "LW-€")),
      locale: fc.constantFrom("en" as const, "fr" as const),
      organizationName: named(30),
      description: named(40),
      colors: fc.record({ background: color, foreground: color, label: color }),
      memberName: text(40),
      balance: points,
      nextReward: fc.option(fc.record({ name: text(20), cost: fc.integer({ min: 1, max: 100_000 }) }), {
        nil: undefined,
      }),
      nextExpiry: fc.option(fc.record({ points: fc.integer({ min: 1, max: 100_000 }), date: day }), {
        nil: undefined,
      }),
      tiers: fc.option(
        fc.array(
          fc.record({
            tier: text(20),
            next: fc.option(
              fc.record({
                tier: text(20),
                threshold: fc.nat(10_000),
                pointsNeeded: fc.nat(10_000),
              }),
              { nil: null },
            ),
            keptUntil: fc.option(day, { nil: null }),
            pointsToKeep: fc.nat(10_000),
            programName: fc.option(text(20), { nil: undefined }),
          }),
          { maxLength: 3 },
        ),
        { nil: undefined },
      ),
      recentEntries: fc.array(fc.record({ createdAt: instant, points, explanation: text(80) }), {
        maxLength: 8,
      }),
      howPointsAreComputed: text(120),
      contact: fc.option(
        fc.record({ phone: text(20), email: text(30), website: text(30) }, { requiredKeys: [] }),
        { nil: undefined },
      ),
      portalUrl: fc.option(fc.webUrl(), { nil: undefined }),
      voided: fc.option(fc.constant(true as const), { nil: undefined }),
      updatedAt: instant,
    },
    { requiredKeys: ["serialNumber", "authenticationToken", "barcode", "locale", "organizationName"] },
  )
  .map((partial) => ({ ...applePassView(), ...partial }) as ApplePassView);

const zones = fc.constantFrom("UTC", "Europe/Paris", "America/New_York", "Pacific/Auckland");

describe("the pass.json the renderer writes", () => {
  it("is the one passkit-generator builds, and is refused where passkit-generator refuses it", async () => {
    await fc.assert(
      fc.asyncProperty(views, zones, async (view, timeZone) => {
        const stock = await outcome(() => passkitPassJson(view, timeZone));
        const ours = await outcome(() => buildPassJson(template.props, view, { webServiceURL, timeZone }));
        expect(ours.ok).toBe(stock.ok);
        if (ours.ok && stock.ok) {
          expect(ours.value).toStrictEqual(stock.value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["an empty serial number", { serialNumber: "" }],
    ["an authentication token of 15 characters", { authenticationToken: "x".repeat(15) }],
    ["an empty organization name", { organizationName: "" }],
    ["an empty description", { description: "" }],
    ["an empty barcode", { barcode: "" }],
    ["a colour channel over 255", { colors: { ...applePassView().colors, label: "rgb(256,0,0)" } }],
  ])("refuses %s, as passkit-generator does", async (_case, overrides: Partial<ApplePassView>) => {
    const view = applePassView(overrides);
    await expect(passkitPassJson(view, "UTC")).rejects.toThrow();
    expect(() => buildPassJson(template.props, view, { webServiceURL })).toThrow();
  });

  it("keeps a view passkit-generator accepts, unchanged but for the fields it lays out", async () => {
    const view = applePassView({ voided: true });
    const ours = buildPassJson(template.props, view, { webServiceURL });
    expect(ours).toStrictEqual(await passkitPassJson(view, "UTC"));
    expect(ours).toMatchObject({ voided: true, serialNumber: view.serialNumber, webServiceURL });
  });
});

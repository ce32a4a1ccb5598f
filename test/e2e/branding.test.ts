import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_PASS_TYPE_ID } from "../../infra/local/wallet.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { appleCall, memberPass } from "../support/wallet.ts";
import { removeUnzippedPasses, unzipPkpass } from "../unit/passes/apple-pkpass-tools.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ wallet: true });
});
afterAll(async () => {
  await stack?.close();
  await removeUnzippedPasses();
});

it("puts the merchant's colours, logo and contact from the settings on the pass", async () => {
  const alice = await stack.token("alice");
  const logo = await readFile(new URL("../../passes/apple/model/icon.png", import.meta.url));
  const branding = {
    backgroundColor: "rgb(120, 20, 40)",
    foregroundColor: "rgb(255,250,240)",
    labelColor: "rgb(230,200,160)",
    logoPngBase64: logo.toString("base64"),
    contact: {
      phone: "+33 1 23 45 67 89",
      email: "bonjour@cafe-demo.example",
      website: "https://cafe-demo.example",
    },
  };
  const saved = await stack.call("PATCH", "/v1/settings", { token: alice, body: { branding } });
  expect(saved.status).toBe(200);
  expect(saved.body.settings.branding).toMatchObject({
    backgroundColor: branding.backgroundColor,
    logoBytes: logo.length,
  });

  const pass = await memberPass(stack, DEMO.merchantId, DEMO.customers.camille.id);
  const response = await appleCall(stack, "GET", `/v1/passes/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`, {
    token: pass.authenticationToken,
  });
  expect(response.status).toBe(200);
  const bundle = await unzipPkpass(response.bytes);
  expect(bundle.passJson).toMatchObject({
    organizationName: "Café Démo",
    backgroundColor: "rgb(120, 20, 40)",
    foregroundColor: "rgb(255,250,240)",
    labelColor: "rgb(230,200,160)",
  });
  expect(bundle.files.get("logo.png")?.equals(logo)).toBe(true);
  expect(JSON.stringify(bundle.passJson.storeCard.backFields)).toContain("bonjour@cafe-demo.example");
});

it("keeps the logo when a branding change leaves it out, and removes it on null", async () => {
  const alice = await stack.token("alice");
  const logo = await readFile(new URL("../../passes/apple/model/icon.png", import.meta.url));
  const patch = (branding: Record<string, unknown>) =>
    stack.call("PATCH", "/v1/settings", { token: alice, body: { branding } });
  await patch({ logoPngBase64: logo.toString("base64") });
  // A form that read the settings has the logo's size only, and sends the colours back without it.
  const recoloured = await patch({ backgroundColor: "rgb(10, 80, 60)" });
  expect(recoloured.body.settings.branding).toMatchObject({
    backgroundColor: "rgb(10, 80, 60)",
    logoBytes: logo.length,
  });
  expect((await stack.call("GET", "/v1/settings", { token: alice })).body.settings.branding.logoBytes).toBe(
    logo.length,
  );
  const removed = await patch({ backgroundColor: "rgb(10, 80, 60)", logoPngBase64: null });
  expect(removed.body.settings.branding.logoBytes).toBeNull();
  expect(
    (await stack.call("GET", "/v1/settings", { token: alice })).body.settings.branding.logoBytes,
  ).toBeNull();
});

it.each([
  [{ backgroundColor: "#ff0000" }, "branding.backgroundColor"],
  [{ labelColor: "rgb(300,0,0)" }, "branding.labelColor"],
  [{ logoPngBase64: Buffer.from("GIF89a not a png").toString("base64") }, "branding.logoPngBase64"],
  [{ contact: { website: "http://insecure.example" } }, "branding.contact.website"],
  [{ sparkles: true }, "branding.sparkles"],
])("refuses branding %j (400 naming %s)", async (branding, field) => {
  const response = await stack.call("PATCH", "/v1/settings", {
    token: await stack.token("alice"),
    body: { branding },
  });
  expect(response.status).toBe(400);
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
});

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { walletobjects_v1 } from "@googleapis/walletobjects";
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  LoyaltyClass,
  LoyaltyObject,
  LoyaltyObjectPatch,
  WalletMessage,
} from "../../../passes/google/loyalty-types.ts";
import {
  googleIds,
  googleLoyaltyClass,
  googleLoyaltyObject,
  googleObjectPatch,
} from "../../../passes/member-pass.ts";
import { memberPassContent } from "../../fixtures/passes/member-pass-content.ts";

/**
 * The bodies we send to Google Wallet, type-checked (by `npm run typecheck`, which covers test/) against
 * Google's own generated types, @googleapis/walletobjects: each must be assignable to Google's schema, and
 * `OnlyGoogleKeys` turns any key Google's schema does not have, at any depth, into a compile error.
 */

type Schema = walletobjects_v1.Schema$LoyaltyObject;

/** T, with every key that G (at the same path) lacks typed `never`: a body holding one does not compile. */
type OnlyGoogleKeys<T, G> = T extends readonly (infer Item)[]
  ? NonNullable<G> extends readonly (infer GoogleItem)[]
    ? readonly OnlyGoogleKeys<Item, GoogleItem>[]
    : never
  : T extends object
    ? { [K in keyof T]: K extends keyof NonNullable<G> ? OnlyGoogleKeys<T[K], NonNullable<G>[K]> : never }
    : T;

const ids = googleIds("3388000000000000000", "mer_1", "pass_01JD0000000000000000000001");
const content = memberPassContent();
const loyaltyClass = googleLoyaltyClass(content.merchant, ids.classId, "https://cdn.example/logo.png");
const loyaltyObject = googleLoyaltyObject(content, ids);
const patch = googleObjectPatch(content);
const saveLinkPayload = { loyaltyObjects: [{ id: ids.objectId, classId: ids.classId }] };
const addMessage = {
  message: { id: "m1", header: "+23 pts", body: "Merci !", messageType: "TEXT_AND_NOTIFY" },
} satisfies OnlyGoogleKeys<
  walletobjects_v1.Schema$AddMessageRequest,
  walletobjects_v1.Schema$AddMessageRequest
>;

// What the code builds, value by value.
loyaltyClass satisfies walletobjects_v1.Schema$LoyaltyClass;
loyaltyClass satisfies OnlyGoogleKeys<typeof loyaltyClass, walletobjects_v1.Schema$LoyaltyClass>;
loyaltyObject satisfies Schema;
loyaltyObject satisfies OnlyGoogleKeys<typeof loyaltyObject, Schema>;
patch satisfies Schema;
patch satisfies OnlyGoogleKeys<typeof patch, Schema>;
saveLinkPayload.loyaltyObjects satisfies Schema[];
addMessage satisfies walletobjects_v1.Schema$AddMessageRequest;

describe("Google Wallet bodies against Google's published types", () => {
  it("our resource types are Google's, narrowed: no field Google lacks, every type assignable", () => {
    expectTypeOf<LoyaltyClass>().toExtend<walletobjects_v1.Schema$LoyaltyClass>();
    expectTypeOf<LoyaltyClass>().toExtend<
      OnlyGoogleKeys<LoyaltyClass, walletobjects_v1.Schema$LoyaltyClass>
    >();
    expectTypeOf<LoyaltyObject>().toExtend<Schema>();
    expectTypeOf<LoyaltyObject>().toExtend<OnlyGoogleKeys<LoyaltyObject, Schema>>();
    expectTypeOf<LoyaltyObjectPatch>().toExtend<OnlyGoogleKeys<LoyaltyObjectPatch, Schema>>();
    expectTypeOf<WalletMessage>().toExtend<walletobjects_v1.Schema$Message>();
    // The compile-time checks above are the test; at run time, the bodies are what they claim.
    expect(loyaltyObject).toMatchObject({ id: ids.objectId, classId: ids.classId, state: "ACTIVE" });
    expect(loyaltyClass.programLogo.sourceUri.uri).toBe("https://cdn.example/logo.png");
  });

  it("the check itself catches a key Google does not have (control)", () => {
    const misspelt = { ...patch, acountId: "x" };
    // @ts-expect-error acountId is not a LoyaltyObject field: OnlyGoogleKeys types it never.
    misspelt satisfies OnlyGoogleKeys<typeof misspelt, Schema>;
    expect(misspelt.acountId).toBe("x");
  });

  it("imports Google's package for its types only, so no bundle grows", async () => {
    const runtimeImports: string[] = [];
    for (const root of ["passes", "functions", "shared"]) {
      for (const name of await readdir(root, { recursive: true })) {
        if (!name.endsWith(".ts")) continue;
        const source = await readFile(join(root, name), "utf8");
        for (const line of source.split("\n")) {
          if (/from "@googleapis\//.test(line) && !/^import type /.test(line))
            runtimeImports.push(`${root}/${name}`);
        }
      }
    }
    expect(runtimeImports).toEqual([]);
    expect(await readFile("passes/google/loyalty-types.ts", "utf8")).toMatch(
      /^import type \{ walletobjects_v1 \} from "@googleapis\/walletobjects";/m,
    );
  });
});

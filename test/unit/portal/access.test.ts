import { SignCommand } from "@aws-sdk/client-kms";
import { afterEach, describe, expect, it, vi } from "vitest";
import { memberPortalUrl, verifyPortalToken } from "../../../shared/portal/access.ts";
import { createDb } from "../../../shared/store/db/client.ts";
import { fakeKms, fakeRingTable } from "../../support/fake-kms.ts";
import { tokenOf } from "../../support/portal.ts";

afterEach(() => vi.unstubAllEnvs());

describe("the pass's portal link", () => {
  it("is signed with KMS off the local stack (the portal key made on first use), and opens the portal", async () => {
    vi.stubEnv("DYNAMODB_ENDPOINT", "");
    const kms = fakeKms();
    const db = createDb({ table: "t", endpoint: "http://127.0.0.1:1" });
    fakeRingTable(db);
    const member = { merchantId: "m", customerId: "c" };
    const url = await memberPortalUrl({ db, clock: () => new Date() }, "https://api.example/", member);
    expect(url).toMatch(/^https:\/\/api\.example\/portal#t=/);
    expect(kms.mock.commandCalls(SignCommand)).toHaveLength(1);
    expect(await verifyPortalToken(db, tokenOf(url))).toEqual(member);
  });
});

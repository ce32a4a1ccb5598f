import { importPKCS8, SignJWT } from "jose";
import type { LoyaltyObjectReference } from "./loyalty-types.ts";
import type { ServiceAccountKey } from "./service-account.ts";

export const SAVE_URL_PREFIX = "https://pay.google.com/gp/v/save/";

export interface SaveLinkInput {
  serviceAccount: Pick<ServiceAccountKey, "client_email" | "private_key" | "private_key_id">;
  /** Web origins allowed to show the Save button for this JWT. */
  origins: string[];
  /** References to objects already inserted through the API, so the link stays short. */
  objects: LoyaltyObjectReference[];
  now?: () => Date;
}

const keys = new Map<string, ReturnType<typeof importPKCS8>>();

export async function createSaveToGoogleWalletUrl(input: SaveLinkInput): Promise<string> {
  const now = input.now ?? (() => new Date());
  const pem = input.serviceAccount.private_key;
  let key = keys.get(pem);
  if (!key) {
    key = importPKCS8(pem, "RS256");
    keys.set(pem, key);
  }

  const header: { alg: "RS256"; typ: "JWT"; kid?: string } = { alg: "RS256", typ: "JWT" };
  if (input.serviceAccount.private_key_id) header.kid = input.serviceAccount.private_key_id;

  const jwt = await new SignJWT({
    typ: "savetowallet",
    origins: input.origins,
    payload: { loyaltyObjects: input.objects.map(({ id, classId }) => ({ id, classId })) },
  })
    .setProtectedHeader(header)
    .setIssuer(input.serviceAccount.client_email)
    .setAudience("google")
    .setIssuedAt(Math.floor(now().getTime() / 1000))
    .sign(await key);

  return `${SAVE_URL_PREFIX}${jwt}`;
}

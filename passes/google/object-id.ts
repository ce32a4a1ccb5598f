const ISSUER_ID = /^\d+$/;
const KEPT = /[A-Za-z0-9.-]/;

/**
 * Google ids are `<issuerId>.<suffix>` with the suffix limited to [A-Za-z0-9._-]. Characters outside
 * that set (and `_` itself) become `_` plus the UTF-8 bytes in hex, so two different membership ids
 * can never map to the same pass.
 */
export function walletIdSuffix(raw: string): string {
  if (raw.length === 0) throw new RangeError("a Google Wallet id suffix cannot be empty");
  let suffix = "";
  for (const char of raw) {
    if (KEPT.test(char)) {
      suffix += char;
      continue;
    }
    for (const byte of Buffer.from(char, "utf8")) suffix += `_${byte.toString(16).padStart(2, "0")}`;
  }
  return suffix;
}

export function loyaltyObjectId(issuerId: string, membershipId: string): string {
  return `${checkedIssuerId(issuerId)}.${walletIdSuffix(membershipId)}`;
}

export function loyaltyClassId(issuerId: string, programKey: string): string {
  return `${checkedIssuerId(issuerId)}.${walletIdSuffix(programKey)}`;
}

/** Guards against writing another issuer's objects through a mistyped id. */
export function belongsToIssuer(issuerId: string, id: string): boolean {
  return id.startsWith(`${issuerId}.`) && id.length > issuerId.length + 1;
}

function checkedIssuerId(issuerId: string): string {
  if (!ISSUER_ID.test(issuerId)) throw new RangeError("a Google Wallet issuer id is all digits");
  return issuerId;
}

/**
 * What the KMS key backend asks of KMS, in one place: the backend sends these values and
 * infra/stack/access-grants.ts pins its IAM conditions to the same ones, so the two cannot drift apart.
 * Plain values only, so synth imports no SDK.
 */

/** Ed25519, the curve of every signing key (JWS "EdDSA"). */
export const KMS_KEY_SPEC = "ECC_NIST_EDWARDS25519";
export const KMS_KEY_USAGE = "SIGN_VERIFY";
/**
 * PureEdDSA as RFC 8032 and JWS define it; it takes the message itself (MessageType RAW). The other
 * Ed25519 algorithm, ED25519_PH_SHA_512, is the prehashed variant: its signatures do not verify as EdDSA.
 */
export const KMS_SIGNING_ALGORITHM = "ED25519_SHA_512";
/** KMS signs RAW messages of at most 4096 bytes; our JWS signing inputs stay far below (statements sign a digest). */
export const KMS_MAX_MESSAGE_BYTES = 4096;
/** The longest KMS allows: a key retired by mistake can still be rescued (CancelKeyDeletion) for a month. */
export const KMS_DELETION_WINDOW_DAYS = 30;

/** The tag that marks a key as ours: IAM lets the functions use and retire only keys that carry it. */
export const KMS_APP_TAG = { key: "app", value: "loyalty-wallet" } as const;
/** Every tag a key is created with; IAM refuses any other tag key. */
export const KMS_TAG_KEYS = [KMS_APP_TAG.key, "merchantId", "purpose"] as const;

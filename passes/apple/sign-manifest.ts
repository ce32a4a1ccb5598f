import { createHash, createPrivateKey, sign, X509Certificate } from "node:crypto";
import forge from "node-forge";
import type { PassCertificates } from "./pass-certificates.ts";

/** Returns the DER PKCS#7 detached signature Apple expects in a pass's `signature` file. */
export type ManifestSigner = (manifest: Buffer) => Buffer;

export interface ManifestSignerOptions {
  /** Source of the signingTime attribute. */
  clock?: () => Date;
}

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const OID = {
  signedData: "1.2.840.113549.1.7.2",
  data: "1.2.840.113549.1.7.1",
  sha256: "2.16.840.1.101.3.4.2.1",
  rsaEncryption: "1.2.840.113549.1.1.1",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
} as const;

/**
 * Builds the same SignedData as passkit-generator (signer and WWDR certificates embedded; signed
 * attributes contentType, messageDigest, signingTime) but with SHA-256 and the RSA step done by
 * node:crypto on a key parsed here, once. passkit-generator re-parses the PEM and signs with
 * node-forge's JavaScript RSA on every pass, which is most of the ≈20–50 ms it spends per pass.
 */
export function createManifestSigner(
  certificates: PassCertificates,
  options: ManifestSignerOptions = {},
): ManifestSigner {
  const clock = options.clock ?? (() => new Date());
  const signerCert = new X509Certificate(certificates.signerCert);
  const wwdr = new X509Certificate(certificates.wwdr);
  const privateKey = createPrivateKey(
    certificates.signerKeyPassphrase === undefined
      ? certificates.signerKey
      : { key: certificates.signerKey, passphrase: certificates.signerKeyPassphrase },
  );

  // Devices only say "Manifest signature did not verify"; these checks name the actual mistake.
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new Error("Apple pass signing needs an RSA signer key");
  }
  if (!signerCert.checkPrivateKey(privateKey)) {
    throw new Error("signerKey is not the private key of signerCert");
  }
  if (!signerCert.checkIssued(wwdr) || !signerCert.verify(wwdr.publicKey)) {
    throw new Error("signerCert was not issued by the wwdr certificate (Apple passes need WWDR G4)");
  }

  const signerNode = certificateNode(signerCert);
  const signerId = issuerAndSerialNumber(signerNode);
  const certificateSet = sortedByDer([signerNode, certificateNode(wwdr)]);

  return (manifest) => {
    const signedAttributes = sortedByDer([
      attribute(OID.contentType, oid(OID.data)),
      attribute(OID.messageDigest, octetString(createHash("sha256").update(manifest).digest())),
      attribute(OID.signingTime, time(clock())),
    ]);
    // The signature covers the attributes encoded as a SET; the SignerInfo carries them as [0].
    const signedBytes = derBytes(universal(asn1.Type.SET, signedAttributes));
    const signature = sign("sha256", signedBytes, privateKey);

    const signerInfo = universal(asn1.Type.SEQUENCE, [
      integer(1),
      signerId,
      algorithm(OID.sha256),
      contextSpecific(0, signedAttributes),
      algorithm(OID.rsaEncryption),
      octetString(signature),
    ]);
    const signedData = universal(asn1.Type.SEQUENCE, [
      integer(1),
      universal(asn1.Type.SET, [algorithm(OID.sha256)]),
      // Detached: the content type without the content, which is manifest.json beside it.
      universal(asn1.Type.SEQUENCE, [oid(OID.data)]),
      contextSpecific(0, certificateSet),
      universal(asn1.Type.SET, [signerInfo]),
    ]);
    return derBytes(universal(asn1.Type.SEQUENCE, [oid(OID.signedData), contextSpecific(0, [signedData])]));
  };
}

function certificateNode(certificate: X509Certificate): Asn1 {
  const raw = certificate.raw.toString("binary");
  // Left undecoded, bit strings re-encode byte for byte, so the embedded certificates keep valid
  // signatures. @types/node-forge does not know this fromDer option.
  const fromDer = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => Asn1;
  const node = fromDer(raw, { decodeBitStrings: false });
  if (asn1.toDer(node).getBytes() !== raw) {
    throw new Error(`certificate ${certificate.subject} does not re-encode identically`);
  }
  return node;
}

function issuerAndSerialNumber(certificate: Asn1): Asn1 {
  const tbs = children(children(certificate)[0]);
  // The optional explicit [0] version shifts serialNumber and issuer by one.
  const offset = tbs[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const serialNumber = tbs[offset];
  const issuer = tbs[offset + 2];
  if (!serialNumber || !issuer) {
    throw new Error("signerCert is not an X.509 certificate");
  }
  return universal(asn1.Type.SEQUENCE, [issuer, serialNumber]);
}

function children(node: Asn1 | undefined): Asn1[] {
  if (!node || !Array.isArray(node.value)) {
    throw new Error("unexpected certificate structure");
  }
  return node.value;
}

// DER orders the members of a SET OF by their encodings; OpenSSL checks signed attributes as encoded.
function sortedByDer(nodes: Asn1[]): Asn1[] {
  return nodes
    .map((node) => ({ node, der: derBytes(node) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map(({ node }) => node);
}

function attribute(type: string, value: Asn1): Asn1 {
  return universal(asn1.Type.SEQUENCE, [oid(type), universal(asn1.Type.SET, [value])]);
}

function algorithm(identifier: string): Asn1 {
  return universal(asn1.Type.SEQUENCE, [
    oid(identifier),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
  ]);
}

// CMS wants UTCTime for 1950–2049 and GeneralizedTime outside it.
function time(date: Date): Asn1 {
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function oid(identifier: string): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(identifier).getBytes());
}

function integer(value: number): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

function octetString(bytes: Buffer): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString("binary"));
}

function universal(type: forge.asn1.Type, members: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, type, true, members);
}

function contextSpecific(tag: number, members: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag as forge.asn1.Type, true, members);
}

function derBytes(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), "binary");
}

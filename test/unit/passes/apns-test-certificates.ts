import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  clientCommonName: string;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a client ("Pass Type ID") certificate. */
export function createTestPki(): TestPki {
  // node:crypto makes the keys because forge's pure-JavaScript RSA key generation takes seconds.
  const ca = rsaKeyPair();
  const server = rsaKeyPair();
  const client = rsaKeyPair();
  const caSubject = [{ name: "commonName", value: "Test APNs CA" }];

  const caCert = certificate({
    subject: caSubject,
    issuer: caSubject,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    serial: "01",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true },
    ],
  });
  const serverCert = certificate({
    subject: [{ name: "commonName", value: "127.0.0.1" }],
    issuer: caSubject,
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    serial: "02",
    extensions: [
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
      { name: "extKeyUsage", serverAuth: true },
    ],
  });
  const clientCommonName = "Pass Type ID: pass.com.example.loyalty";
  const clientCert = certificate({
    subject: [{ name: "commonName", value: clientCommonName }],
    issuer: caSubject,
    publicKey: client.publicKey,
    signingKey: ca.privateKey,
    serial: "03",
    extensions: [{ name: "extKeyUsage", clientAuth: true }],
  });

  return {
    caCert,
    serverCert,
    serverKey: server.privateKeyPem,
    clientCert,
    clientKey: client.privateKeyPem,
    clientCommonName,
  };
}

function rsaKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    privateKeyPem: privateKey,
  };
}

function certificate(input: {
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  publicKey: forge.pki.PublicKey;
  signingKey: forge.pki.PrivateKey;
  serial: string;
  extensions: object[];
}): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = input.publicKey;
  cert.serialNumber = input.serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 60 * 60_000);
  cert.setSubject(input.subject);
  cert.setIssuer(input.issuer);
  cert.setExtensions(input.extensions);
  cert.sign(input.signingKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

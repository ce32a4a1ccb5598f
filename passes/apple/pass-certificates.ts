/**
 * PEM contents (not paths) of what signs an Apple pass: Apple's WWDR intermediate (G4), the
 * Pass Type ID certificate and its RSA private key. Same shape as passkit-generator's certificates.
 */
export interface PassCertificates {
  wwdr: string;
  signerCert: string;
  signerKey: string;
  signerKeyPassphrase?: string;
}

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  BUNDLED_SCANNER_DIR,
  SCANNER_FILES,
  type ScannerFile,
  scannerFilePath,
} from "../web/scanner/served-files.ts";
import { apiHandler } from "./http/api.ts";
import { SECURITY_HEADERS, staticApp } from "./http/static-app.ts";

/**
 * GET /scanner and GET /scanner/{file}: the reference scanner web app (web/scanner/), plain ES modules
 * served as files, and `config.json`, which tells the app how to sign in to the user pool. The files are
 * the same for everyone; only the config depends on the stack.
 */

/** What the browser needs to call InitiateAuth itself; no secret (the staff apps' client has none). */
export function signInConfig(env: NodeJS.ProcessEnv = process.env) {
  const region = env.AWS_REGION;
  const clientId = env.USER_POOL_CLIENT_ID;
  if (!region || !clientId) throw new Error("USER_POOL_CLIENT_ID and AWS_REGION must be set");
  // Locally the emulator's endpoint; on AWS the region's public Cognito endpoint, which allows CORS.
  const endpoint = (env.COGNITO_ENDPOINT ?? `https://cognito-idp.${region}.amazonaws.com`).replace(/\/$/, "");
  return { region, clientId, endpoint };
}

/** `GET <app>/config.json`: the same answer for every staff app. */
export const signInConfigResponse = () => ({
  status: 200,
  body: signInConfig(),
  headers: { ...SECURITY_HEADERS, "cache-control": "no-cache" },
});

/**
 * Scripts only from this origin (the WASM decoder compiles its module, hence 'wasm-unsafe-eval', which
 * allows WebAssembly and not eval); requests only to this API and the user pool. No inline script or
 * style, no framing, no form posting anywhere.
 */
export function scannerCsp(poolEndpoint: string): string {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    `connect-src 'self' ${new URL(poolEndpoint).origin}`,
    "img-src 'self' data: blob:",
    "manifest-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The service worker names its cache after every file's content, so any change reinstalls the app. */
function appVersion(): string {
  const hash = createHash("sha256");
  for (const name of Object.keys(SCANNER_FILES) as ScannerFile[]) {
    if (name !== "sw.js") hash.update(name).update(readFileSync(scannerFilePath(name)));
  }
  return hash.digest("hex").slice(0, 16);
}

const serve = staticApp({
  files: SCANNER_FILES,
  bundledDir: BUNDLED_SCANNER_DIR,
  revalidate: new Set<string>(["index.html", "sw.js", "manifest.webmanifest"]),
  transform: (name, body) =>
    name === "sw.js" ? Buffer.from(body.toString("utf8").replace("__SCANNER_VERSION__", appVersion())) : body,
  headers: (name): Record<string, string> => {
    if (name === "index.html") return { "content-security-policy": scannerCsp(signInConfig().endpoint) };
    // Served from /scanner/, the worker may still control the app's own page at /scanner.
    if (name === "sw.js") return { "service-worker-allowed": "/scanner" };
    return {};
  },
});

export const handler = apiHandler(async (request) => {
  const file = request.event.pathParameters?.file;
  if (file === "config.json") return signInConfigResponse();
  return serve(request, file ?? "index.html");
});

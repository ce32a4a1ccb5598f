import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { notFound } from "../shared/errors.ts";
import { SCANNER_FILES, type ScannerFile, scannerFilePath } from "../web/scanner/served-files.ts";
import { apiHandler } from "./http/api.ts";
import { type Encoding, precompressed, preferredEncoding } from "./http/content-encoding.ts";

/**
 * GET /scanner and GET /scanner/{file}: the reference scanner web app (web/scanner/), plain ES modules
 * served as files, and `config.json`, which tells the app how to sign in to the user pool. The files are
 * the same for everyone; only the config depends on the stack.
 */

/** What the browser needs to call InitiateAuth itself; no secret (the scanner client has none). */
export function signInConfig(env: NodeJS.ProcessEnv = process.env) {
  const region = env.AWS_REGION;
  const clientId = env.USER_POOL_CLIENT_ID;
  if (!region || !clientId) throw new Error("USER_POOL_CLIENT_ID and AWS_REGION must be set");
  // Locally the emulator's endpoint; on AWS the region's public Cognito endpoint, which allows CORS.
  const endpoint = (env.COGNITO_ENDPOINT ?? `https://cognito-idp.${region}.amazonaws.com`).replace(/\/$/, "");
  return { region, clientId, endpoint };
}

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

// Past this size brotli's best quality takes seconds (the 1 MB decoder: 13 s); quality 6 takes 0.2 s.
const LARGE = 100_000;

interface Served {
  bytes: Record<Encoding | "identity", Buffer>;
  etag: string;
}

const served = new Map<ScannerFile, Served>();

/** The service worker names its cache after every file's content, so any change reinstalls the app. */
function appVersion(): string {
  const hash = createHash("sha256");
  for (const name of Object.keys(SCANNER_FILES) as ScannerFile[]) {
    if (name !== "sw.js") hash.update(name).update(readFileSync(scannerFilePath(name)));
  }
  return hash.digest("hex").slice(0, 16);
}

function compress(body: Buffer): Record<Encoding | "identity", Buffer> {
  if (body.length <= LARGE) return precompressed(body);
  return {
    identity: body,
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } }),
    gzip: gzipSync(body, { level: 6 }),
  };
}

/** Read and compressed on first request, then kept for the container's life. */
function load(name: ScannerFile): Served {
  let file = served.get(name);
  if (!file) {
    let body = readFileSync(scannerFilePath(name));
    if (name === "sw.js")
      body = Buffer.from(body.toString("utf8").replace("__SCANNER_VERSION__", appVersion()));
    file = {
      bytes: compress(body),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
    };
    served.set(name, file);
  }
  return file;
}

const isFile = (name: string): name is ScannerFile => Object.hasOwn(SCANNER_FILES, name);

// Revalidated on every load (an ETag makes that a 304): a new deployment reaches the next start of the app.
const REVALIDATE = new Set<ScannerFile>(["index.html", "sw.js", "manifest.webmanifest"]);

export const handler = apiHandler(async (request) => {
  const file = request.event.pathParameters?.file;
  const security = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
  if (file === "config.json") {
    return {
      status: 200,
      body: signInConfig(),
      headers: { ...security, "cache-control": "no-cache" },
    };
  }
  const name = file ?? "index.html";
  if (!isFile(name)) throw notFound("The file");
  const { bytes, etag } = load(name);
  const headers: Record<string, string> = {
    ...security,
    "content-type": SCANNER_FILES[name].type,
    "cache-control": REVALIDATE.has(name) ? "no-cache" : "public, max-age=3600",
    etag,
    vary: "accept-encoding",
  };
  if (name === "index.html") headers["content-security-policy"] = scannerCsp(signInConfig().endpoint);
  // Served from /scanner/, the worker may still control the app's own page at /scanner.
  if (name === "sw.js") headers["service-worker-allowed"] = "/scanner";
  if (request.header("if-none-match") === etag) {
    const { "content-type": _type, ...unchanged } = headers;
    return { status: 304, headers: unchanged };
  }
  const encoding = preferredEncoding(request.header("accept-encoding"));
  if (encoding) headers["content-encoding"] = encoding;
  return { status: 200, body: bytes[encoding ?? "identity"], headers };
});

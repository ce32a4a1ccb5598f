import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { notFound } from "../../shared/errors.ts";
import { type ServedFile, type ServedFiles, servedFilePath } from "../../web/served-files.ts";
import type { ApiRequest, ApiResponse } from "./api.ts";
import { type Encoding, precompressed, preferredEncoding } from "./content-encoding.ts";

/**
 * Serving a browser app's files (web/<app>/served-files.ts) from a Lambda function: each read and
 * compressed on first request, then kept for the container's life, with an ETag so a revalidation is a 304.
 */
export interface StaticApp {
  files: ServedFiles;
  /** The folder the bundle carries the files in (infra/stack/function-bundles.ts). */
  bundledDir: string;
  /** Files every load revalidates (the entry page, a service worker): a deployment reaches the next start. */
  revalidate: ReadonlySet<string>;
  /** A file's body as served, when it is not the file as it is (a version stamped in). */
  transform?: (name: string, body: Buffer) => Buffer;
  /** Headers one file needs besides the usual ones (a CSP on the page). */
  headers?: (name: string) => Record<string, string>;
}

// Past this size brotli's best quality takes seconds (the 1 MB decoder: 13 s); quality 6 takes 0.2 s.
const LARGE = 100_000;

interface Served {
  bytes: Record<Encoding | "identity", Buffer>;
  etag: string;
}

function compress(body: Buffer): Record<Encoding | "identity", Buffer> {
  if (body.length <= LARGE) return precompressed(body);
  return {
    identity: body,
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } }),
    gzip: gzipSync(body, { level: 6 }),
  };
}

export const SECURITY_HEADERS = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

/** The function that answers GET for one of the app's files, or 404 for any other name. */
export function staticApp(app: StaticApp) {
  const served = new Map<string, Served>();
  const load = (name: string): Served => {
    let file = served.get(name);
    if (!file) {
      const raw = readFileSync(servedFilePath(app.bundledDir, app.files[name] as ServedFile, name));
      const body = app.transform ? app.transform(name, raw) : raw;
      file = {
        bytes: compress(body),
        etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
      };
      served.set(name, file);
    }
    return file;
  };
  return (request: ApiRequest, name: string): ApiResponse => {
    if (!Object.hasOwn(app.files, name)) throw notFound("The file");
    const { bytes, etag } = load(name);
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      "content-type": (app.files[name] as ServedFile).type,
      "cache-control": app.revalidate.has(name) ? "no-cache" : "public, max-age=3600",
      etag,
      vary: "accept-encoding",
      ...app.headers?.(name),
    };
    if (request.header("if-none-match") === etag) {
      const { "content-type": _type, ...unchanged } = headers;
      return { status: 304, headers: unchanged };
    }
    const encoding = preferredEncoding(request.header("accept-encoding"));
    if (encoding) headers["content-encoding"] = encoding;
    return { status: 200, body: bytes[encoding ?? "identity"], headers };
  };
}

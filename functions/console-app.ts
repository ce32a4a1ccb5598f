import { readFileSync } from "node:fs";
import { cspHash } from "../shared/html-page.ts";
import { BUNDLED_CONSOLE_DIR, consoleFiles } from "../web/console/served-files.ts";
import { servedFilePath } from "../web/served-files.ts";
import { apiHandler } from "./http/api.ts";
import { staticApp } from "./http/static-app.ts";
import { signInConfig, signInConfigResponse } from "./scanner-app.ts";

/**
 * GET /console and GET /console/{file}: the merchant console (web/console/), ES modules served as files,
 * and `config.json`, how to sign in to the user pool (the staff apps' client, as the scanner).
 */

const FILES = consoleFiles();

/** The import map is the page's one inline script; the CSP names it by hash, and nothing else inline. */
function importMapHash(): string {
  const file = FILES["index.html"];
  if (!file) throw new Error("web/console/index.html is missing");
  const page = readFileSync(servedFilePath(BUNDLED_CONSOLE_DIR, file, "index.html"), "utf8");
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1];
  if (map === undefined) throw new Error("web/console/index.html has no import map");
  return cspHash(map);
}

/** Scripts from this origin and the import map; requests only to this API and the user pool. */
export function consoleCsp(poolEndpoint: string, mapHash = importMapHash()): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${mapHash}`,
    "style-src 'self'",
    `connect-src 'self' ${new URL(poolEndpoint).origin}`,
    // Previews of the merchant's own logo and images (data: from a file picked, blob: from a download).
    "img-src 'self' data: blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const serve = staticApp({
  files: FILES,
  bundledDir: BUNDLED_CONSOLE_DIR,
  revalidate: new Set(["index.html"]),
  headers: (name): Record<string, string> =>
    name === "index.html" ? { "content-security-policy": consoleCsp(signInConfig().endpoint) } : {},
});

export const handler = apiHandler(async (request) => {
  const file = request.event.pathParameters?.file;
  if (file === "config.json") return signInConfigResponse();
  return serve(request, file ?? "index.html");
});

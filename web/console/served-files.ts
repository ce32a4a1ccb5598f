import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CSS, HTML, JS, type ServedFile, type ServedFiles } from "../served-files.ts";

/**
 * The files GET /console/{file} serves: every page, script and style of web/console/ (so a new screen
 * needs no list kept by hand), the modules it shares with the scanner (web/common/), and Preact and htm
 * from node_modules (README "Dependency notes"), served from here, never from a CDN.
 */

/** The folder, inside the function's bundle, the files are copied to (flat, by their served name). */
export const BUNDLED_CONSOLE_DIR = "console";

const TYPES: Record<string, string> = { ".js": JS, ".css": CSS, ".html": HTML };

const SHARED: ServedFiles = {
  "api.js": { source: "web/common/api.js", type: JS },
  "auth.js": { source: "web/common/auth.js", type: JS },
  "store.js": { source: "web/common/store.js", type: JS },
  "locale.js": { source: "web/common/locale.js", type: JS },
  "preact.js": { source: "node_modules/preact/dist/preact.mjs", type: JS },
  "hooks.js": { source: "node_modules/preact/hooks/dist/hooks.mjs", type: JS },
  "htm.js": { source: "node_modules/htm/dist/htm.module.js", type: JS },
};

const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf("."))];

/**
 * The list, from the folder the files are in: web/console/ in the repository, the bundle's own copy once
 * bundled (this module runs from index.mjs then).
 */
export function consoleFiles(): ServedFiles {
  if (!import.meta.url.endsWith(".ts")) {
    const dir = fileURLToPath(new URL(`./${BUNDLED_CONSOLE_DIR}/`, import.meta.url));
    return Object.fromEntries(
      readdirSync(dir)
        .filter((name) => typeOf(name))
        .map((name) => [name, { source: name, type: typeOf(name) as string }]),
    );
  }
  const own = readdirSync(fileURLToPath(new URL("./", import.meta.url)))
    .filter((name) => typeOf(name))
    .map((name): [string, ServedFile] => [
      name,
      { source: `web/console/${name}`, type: typeOf(name) as string },
    ]);
  return { ...Object.fromEntries(own), ...SHARED };
}

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface UnzippedPass {
  dir: string;
  files: Map<string, Buffer>;
  passJson: Record<string, unknown> & { storeCard: Record<string, Array<Record<string, unknown>>> };
}

const unzipped = new Set<string>();

/** Unzips with the system's unzip, not the code under test. */
export async function unzipPkpass(pkpass: Buffer): Promise<UnzippedPass> {
  const dir = await mkdtemp(join(tmpdir(), "apple-pass-"));
  unzipped.add(dir);
  await writeFile(join(dir, "pass.pkpass"), pkpass);
  const contents = join(dir, "contents");
  execFileSync("unzip", ["-q", join(dir, "pass.pkpass"), "-d", contents]);
  const files = new Map<string, Buffer>();
  for (const name of await readdir(contents, { recursive: true })) {
    files.set(name, await readFile(join(contents, name)));
  }
  const passJson = JSON.parse(files.get("pass.json")?.toString("utf8") ?? "null");
  return { dir: contents, files, passJson };
}

/** Exit status of the check Apple's own tooling documents for pass signatures. */
export function opensslVerify(signaturePath: string, manifestPath: string, wwdrPath: string): number | null {
  return spawnSync(
    "openssl",
    [
      "cms",
      "-verify",
      "-binary",
      "-inform",
      "DER",
      "-in",
      signaturePath,
      "-content",
      manifestPath,
      "-CAfile",
      wwdrPath,
      "-purpose",
      "any",
      "-out",
      "/dev/null",
    ],
    { stdio: "pipe" },
  ).status;
}

export async function removeUnzippedPasses(): Promise<void> {
  await Promise.all([...unzipped].map((dir) => rm(dir, { recursive: true, force: true })));
  unzipped.clear();
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startUserPoolEmulator } from "../../infra/local/user-pool/emulator.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The local user pool service (infra/local/user-pool/); every test stack creates its own pool in it. */
    cognitoEndpoint: string;
    /** Each pool's messages go to `<cognitoMailRoot>/<userPoolId>/*.eml`. */
    cognitoMailRoot: string;
  }
}

/** One user pool emulator for the whole run, its data in a temporary directory; pools are per test stack. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "user-pool-"));
  const mailRoot = join(dir, "mail");
  const emulator = await startUserPoolEmulator({
    dataDir: join(dir, "data"),
    mailDir: (userPoolId) => join(mailRoot, userPoolId),
  });
  project.provide("cognitoEndpoint", emulator.endpoint);
  project.provide("cognitoMailRoot", mailRoot);
  return async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  };
}

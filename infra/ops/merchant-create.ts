import { join } from "node:path";
import { cognitoDirectory } from "../../shared/auth/cognito-directory.ts";
import { systemClock } from "../../shared/clock.ts";
import { createMerchantAccount } from "../../shared/merchants/merchant-account.ts";
import { createDb } from "../../shared/store/db/client.ts";
import { runMerchantCreate } from "./merchant-create-command.ts";
import { cloudFormationClient, localTarget, stackTarget } from "./merchant-target.ts";

/**
 * `npm run merchant:create -- --name "Café Lumière" --owner-email o@example.com [--stack <name>] …`:
 * creates a merchant (active at once) on the local stack or a deployed one, through the same domain
 * function as the public sign-up. See merchant-create-args.ts for every option.
 */

const code = await runMerchantCreate(process.argv.slice(2), {
  target: async (request) =>
    request.stack
      ? stackTarget(cloudFormationClient(request.region), request.stack)
      : localTarget(join(process.cwd(), ".local", "demo.json")),
  create: async (target, account) => {
    const db = createDb(target.db);
    try {
      return await createMerchantAccount(
        { db, clock: systemClock, directory: cognitoDirectory(target.userPool) },
        account,
        "operator",
      );
    } finally {
      db.client.destroy();
    }
  },
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
// The SDK clients keep sockets open; the work is done, so the process need not wait for them.
process.exit(code);

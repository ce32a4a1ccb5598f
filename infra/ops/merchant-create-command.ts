import { ValidationError } from "../../shared/errors.ts";
import type { MerchantAccount } from "../../shared/merchants/merchant-account.ts";
import {
  ArgumentError,
  type MerchantAccountInput,
  type MerchantCreateRequest,
  optionOf,
  parseMerchantCreateArgs,
  USAGE,
} from "./merchant-create-args.ts";
import type { MerchantTarget } from "./merchant-target.ts";

/** The command's outside world, so that its arguments, outputs and exit codes are tested without AWS. */
export interface MerchantCreateDeps {
  target(request: MerchantCreateRequest): Promise<MerchantTarget>;
  /** The domain's one way to create a merchant, on the target's table and user pool. */
  create(target: MerchantTarget, account: MerchantAccountInput): Promise<MerchantAccount>;
  out(line: string): void;
  err(line: string): void;
}

/** 0 created, 2 bad arguments (the option and why), 1 anything else; never a stack trace. */
export type ExitCode = 0 | 1 | 2;

const PREFIX = "merchant:create:";

/**
 * `npm run merchant:create`: one merchant, with its owner's sign-in, first location and program. Only the
 * merchant id goes to stdout (or every id with --json), so a script can capture it; the rest goes to stderr.
 */
export async function runMerchantCreate(
  argv: readonly string[],
  deps: MerchantCreateDeps,
): Promise<ExitCode> {
  let request: MerchantCreateRequest | "help";
  try {
    request = parseMerchantCreateArgs(argv);
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    deps.err(`${PREFIX} ${error.message}`);
    deps.err(USAGE);
    return 2;
  }
  if (request === "help") {
    deps.out(USAGE);
    return 0;
  }
  try {
    const target = await deps.target(request);
    const account = await deps.create(target, request.account);
    if (request.json) deps.out(JSON.stringify(account));
    else deps.out(account.merchantId);
    const ids = `owner ${account.ownerStaffId}, location ${account.locationId}, program ${account.programId}`;
    if (!account.created) {
      // Running the command twice is safe: the owner's address names one merchant.
      deps.err(
        `${request.account.ownerEmail} already owns merchant ${account.merchantId} in ${target.name} (${ids}): nothing was created.`,
      );
      return 0;
    }
    deps.err(
      `Created merchant ${account.merchantId} "${request.account.businessName}" in ${target.name}: ${ids}.`,
    );
    deps.err(`${request.account.ownerEmail} receives the invitation e-mail with a temporary password.`);
    return 0;
  } catch (error) {
    // The domain's own checks on the fields (a currency it does not support, say) are bad arguments too.
    if (error instanceof ValidationError) {
      for (const { field, reason } of error.fields) deps.err(`${PREFIX} ${optionOf(field)}: ${reason}`);
      return 2;
    }
    deps.err(`${PREFIX} ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

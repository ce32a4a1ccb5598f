import { parseArgs } from "node:util";
import type * as z from "zod";
// The public sign-up's own field schemas: a merchant the operator creates meets the same rules as one
// that signs itself up.
import { SignupBody } from "../../functions/signup.ts";

export type MerchantAccountInput = z.output<typeof SignupBody>;

/** What `npm run merchant:create` was asked to do. */
export interface MerchantCreateRequest {
  account: MerchantAccountInput;
  /** A deployed stack's name; absent, the local stack (`npm start`). */
  stack?: string;
  /** Only with `stack`; absent, the SDK's default chain decides (AWS_REGION, the profile). */
  region?: string;
  /** All the new ids as JSON on stdout, rather than the merchant id alone. */
  json: boolean;
}

/** A bad argument: the option it concerns and why, for the operator (exit code 2). */
export class ArgumentError extends Error {
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`${option}: ${reason}`);
    this.name = "ArgumentError";
  }
}

export const USAGE = `Usage: npm run merchant:create -- --name <business name> --owner-email <e-mail>
  [--owner-name <name>]   default: the part of the e-mail before "@"
  [--country <XX>]        default: FR
  [--currency <XXX>]      default: EUR
  [--locale fr|en]        default: fr
  [--stack <name>]        a deployed stack (its outputs TableName and UserPoolId); default: the local stack
  [--region <region>]     with --stack; default: the AWS SDK's (AWS_REGION, the profile)
  [--json]                print every new id as JSON, not only the merchant id`;

const OPTIONS = {
  name: { type: "string" },
  "owner-email": { type: "string" },
  "owner-name": { type: "string" },
  country: { type: "string" },
  currency: { type: "string" },
  locale: { type: "string" },
  stack: { type: "string" },
  region: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

/** The sign-up body's fields as the operator typed them. */
const OPTION_OF_FIELD: Readonly<Record<string, string>> = {
  businessName: "--name",
  ownerName: "--owner-name",
  ownerEmail: "--owner-email",
  country: "--country",
  currency: "--currency",
  locale: "--locale",
};

/** The option a field of the sign-up body comes from, e.g. "ownerEmail" → "--owner-email". */
export function optionOf(field: string): string {
  return OPTION_OF_FIELD[field] ?? (field || "arguments");
}

const DEFAULTS = { country: "FR", currency: "EUR", locale: "fr" } as const;

// CloudFormation's own rule for a stack name; an ARN names a stack too.
const STACK_NAME = /^([A-Za-z][A-Za-z0-9-]{0,127}|arn:[^\s]+)$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** node:util's messages name the option in quotes ("Unknown option '--nme'"); the operator needs only that. */
function parseFailure(error: unknown): ArgumentError {
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? "arguments";
  return new ArgumentError(option, message.replace(/\. To specify a positional argument.*$/s, ""));
}

function readOptions(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw parseFailure(error);
  }
}

/** `--help` is answered by the caller; everything else becomes a request or an ArgumentError. */
export function parseMerchantCreateArgs(argv: readonly string[]): MerchantCreateRequest | "help" {
  const values = readOptions(argv);
  if (values.help) return "help";
  for (const required of ["name", "owner-email"] as const) {
    if (!values[required]?.trim()) throw new ArgumentError(`--${required}`, "is required");
  }
  const ownerEmail = values["owner-email"] ?? "";
  const parsed = SignupBody.safeParse({
    businessName: values.name,
    ownerName: values["owner-name"] ?? ownerEmail.split("@")[0],
    ownerEmail,
    country: values.country ?? DEFAULTS.country,
    currency: values.currency ?? DEFAULTS.currency,
    locale: values.locale ?? DEFAULTS.locale,
  });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = String(issue?.path[0] ?? "");
    const option = optionOf(field);
    const defaulted = field === "ownerName" && values["owner-name"] === undefined;
    throw new ArgumentError(
      option,
      `${issue?.message ?? "is invalid"}${defaulted ? ' (it defaults to the part of --owner-email before "@")' : ""}`,
    );
  }
  if (values.stack !== undefined && !STACK_NAME.test(values.stack)) {
    throw new ArgumentError(
      "--stack",
      "must be a CloudFormation stack name (a letter, then letters, digits or -)",
    );
  }
  if (values.region !== undefined) {
    if (values.stack === undefined) {
      throw new ArgumentError("--region", "applies to a deployed stack only: give --stack too");
    }
    if (!REGION.test(values.region))
      throw new ArgumentError("--region", "must be an AWS region such as eu-west-3");
  }
  return {
    account: parsed.data,
    ...(values.stack !== undefined ? { stack: values.stack } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    json: values.json ?? false,
  };
}

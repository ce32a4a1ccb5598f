import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ArgumentError, parseMerchantCreateArgs } from "../../../infra/ops/merchant-create-args.ts";
import { type MerchantCreateDeps, runMerchantCreate } from "../../../infra/ops/merchant-create-command.ts";
import { localTarget, stackTarget, TargetError } from "../../../infra/ops/merchant-target.ts";
import { ValidationError } from "../../../shared/errors.ts";
import type { MerchantAccount } from "../../../shared/merchants/merchant-account.ts";

const REQUIRED = ["--name", "Café Lumière", "--owner-email", "Olivia.Dupont@Example.com"];

/** The ArgumentError parseMerchantCreateArgs throws for these arguments. */
function refusal(argv: string[]): ArgumentError {
  try {
    parseMerchantCreateArgs(argv);
  } catch (error) {
    if (error instanceof ArgumentError) return error;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
}

describe("merchant:create arguments", () => {
  it("take the sign-up's defaults: owner name from the e-mail, FR, EUR, fr, the local stack", () => {
    expect(parseMerchantCreateArgs(REQUIRED)).toEqual({
      account: {
        businessName: "Café Lumière",
        ownerName: "Olivia.Dupont",
        // The sign-up's schema keeps addresses in lower case, so one address is one owner.
        ownerEmail: "olivia.dupont@example.com",
        country: "FR",
        currency: "EUR",
        locale: "fr",
      },
      json: false,
    });
  });

  it("take every option given, and a deployed stack with its region", () => {
    const request = parseMerchantCreateArgs([
      ...REQUIRED,
      "--owner-name",
      "Olivia Dupont",
      "--country",
      "BE",
      "--currency",
      "EUR",
      "--locale",
      "en",
      "--stack",
      "loyalty-wallet-prod",
      "--region",
      "eu-west-3",
      "--json",
    ]);
    expect(request).toEqual({
      account: expect.objectContaining({ ownerName: "Olivia Dupont", country: "BE", locale: "en" }),
      stack: "loyalty-wallet-prod",
      region: "eu-west-3",
      json: true,
    });
    expect(parseMerchantCreateArgs(["--help"])).toBe("help");
  });

  it.each([
    [["--owner-email", "o@example.com"], "--name", /required/],
    [["--name", "Café"], "--owner-email", /required/],
    [["--name", "Café", "--owner-email", "not-an-address"], "--owner-email", /e-mail|email/i],
    [[...REQUIRED, "--currency", "eur"], "--currency", /ISO 4217/],
    [[...REQUIRED, "--currency", "XXY"], "--currency", /currency/],
    [[...REQUIRED, "--country", "France"], "--country", /ISO 3166/],
    [[...REQUIRED, "--locale", "de"], "--locale", /"fr"\|"en"/],
    [[...REQUIRED, "--nme", "x"], "--nme", /Unknown option/],
    [[...REQUIRED, "--json=yes"], "--json", /does not take an argument/],
    [[...REQUIRED, "extra"], "arguments", /Unexpected argument 'extra'/],
    [["--name", "  ", "--owner-email", "o@example.com"], "--name", /required/],
    [[...REQUIRED, "--region", "eu-west-3"], "--region", /--stack/],
    [[...REQUIRED, "--stack", "my stack"], "--stack", /stack name/],
    [[...REQUIRED, "--stack", "prod", "--region", "Paris"], "--region", /region/],
  ])("refuse %j, naming %s", (argv, option, reason) => {
    const error = refusal(argv);
    expect(error.option).toBe(option);
    expect(error.reason).toMatch(reason);
  });

  it("say so when the defaulted owner name is what is wrong", () => {
    const error = refusal(["--name", "Café", "--owner-email", `${"a".repeat(101)}@example.com`]);
    expect(error.option).toBe("--owner-name");
    expect(error.reason).toMatch(
      /at most 100 characters \(it defaults to the part of --owner-email before "@"\)/,
    );
  });
});

describe("the local stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "merchant-create-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const demoFile = (content: unknown) => {
    const file = join(dir, `demo-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const DEMO = {
    baseUrl: "http://127.0.0.1:3000",
    dynamoEndpoint: "http://127.0.0.1:8001",
    tableName: "loyalty-local",
    auth: {
      endpoint: "http://127.0.0.1:9229",
      region: "eu-west-3",
      userPoolId: "local_pool1",
      clientId: "client1",
    },
  };

  it("is read from .local/demo.json: its table on DynamoDB Local, its user pool", () => {
    expect(localTarget(demoFile(DEMO))).toEqual({
      name: "the local stack",
      db: { table: "loyalty-local", endpoint: "http://127.0.0.1:8001" },
      userPool: { userPoolId: "local_pool1", region: "eu-west-3", endpoint: "http://127.0.0.1:9229" },
    });
  });

  it("asks for `npm start` when it is not running, and for a restart when demo.json predates the user pool", () => {
    expect(() => localTarget(join(dir, "absent.json"))).toThrow(TargetError);
    expect(() => localTarget(join(dir, "absent.json"))).toThrow(/run `npm start` first/);
    const { auth: _auth, ...withoutPool } = DEMO;
    expect(() => localTarget(demoFile(withoutPool))).toThrow(/lacks auth.*restart/);
  });
});

describe("a deployed stack", () => {
  const cloudFormation = mockClient(CloudFormationClient);
  beforeEach(() => cloudFormation.reset());
  const client = () => new CloudFormationClient({ region: "eu-west-3" });
  const outputs = (entries: Record<string, string>) =>
    Object.entries(entries).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));

  it("is found from its outputs TableName and UserPoolId, in the client's region", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: "loyalty-wallet-prod" }).resolves({
      Stacks: [
        {
          StackName: "loyalty-wallet-prod",
          StackStatus: "UPDATE_COMPLETE",
          CreationTime: new Date(),
          Outputs: outputs({
            ApiUrl: "https://abc.execute-api.eu-west-3.amazonaws.com",
            TableName: "loyalty-wallet-prod-Table-1",
            UserPoolId: "eu-west-3_AbCdEf",
          }),
        },
      ],
    });
    expect(await stackTarget(client(), "loyalty-wallet-prod")).toEqual({
      name: "stack loyalty-wallet-prod (eu-west-3)",
      db: { table: "loyalty-wallet-prod-Table-1", region: "eu-west-3" },
      userPool: { userPoolId: "eu-west-3_AbCdEf", region: "eu-west-3" },
    });
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it("is refused when an output is missing, naming it", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "other",
          StackStatus: "CREATE_IN_PROGRESS",
          CreationTime: new Date(),
          Outputs: outputs({ TableName: "t" }),
        },
      ],
    });
    await expect(stackTarget(client(), "other")).rejects.toThrow(
      /other \(CREATE_IN_PROGRESS\) has no output UserPoolId/,
    );
  });

  it("that does not exist is named, with its region", async () => {
    const error = Object.assign(new Error("Stack with id nope does not exist"), { name: "ValidationError" });
    cloudFormation.on(DescribeStacksCommand).rejects(error);
    await expect(stackTarget(client(), "nope")).rejects.toThrow(
      new TargetError("No stack named nope in eu-west-3: check --stack and --region."),
    );
  });

  it("passes other CloudFormation failures on as they are", async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(new Error("The security token included in the request is invalid."));
    await expect(stackTarget(client(), "loyalty-wallet-prod")).rejects.toThrow(/security token/);
  });
});

describe("merchant:create", () => {
  const TARGET = { name: "the local stack", db: { table: "t" }, userPool: { userPoolId: "p" } };
  const ACCOUNT: MerchantAccount = {
    merchantId: "mer_1",
    ownerStaffId: "staff_1",
    locationId: "loc_1",
    programId: "prog_1",
    created: true,
  };

  function run(argv: string[], overrides: Partial<MerchantCreateDeps> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const calls: unknown[] = [];
    const deps: MerchantCreateDeps = {
      target: async () => TARGET,
      create: async (target, account) => {
        calls.push({ target, account });
        return ACCOUNT;
      },
      ...overrides,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    };
    return runMerchantCreate(argv, deps).then((code) => ({ code, out, err, calls }));
  }

  it("prints the merchant id alone on stdout, the other ids on stderr, and exits 0", async () => {
    const { code, out, err, calls } = await run(REQUIRED);
    expect(code).toBe(0);
    expect(out).toEqual(["mer_1"]);
    expect(err.join("\n")).toMatch(/staff_1.*loc_1.*prog_1/);
    expect(calls).toEqual([
      { target: TARGET, account: expect.objectContaining({ businessName: "Café Lumière" }) },
    ]);
  });

  it("prints every id as JSON with --json", async () => {
    const { code, out } = await run([...REQUIRED, "--json"]);
    expect(code).toBe(0);
    expect(out.map((line) => JSON.parse(line))).toEqual([ACCOUNT]);
  });

  it("says nothing was created when the owner's address already has its merchant", async () => {
    const { code, out, err } = await run(REQUIRED, { create: async () => ({ ...ACCOUNT, created: false }) });
    expect(code).toBe(0);
    expect(out).toEqual(["mer_1"]);
    expect(err.join("\n")).toMatch(/already owns merchant mer_1.*nothing was created/);
  });

  it("exits 2 on a bad argument, naming it, without creating anything", async () => {
    const { code, out, err, calls } = await run(["--name", "Café", "--owner-email", "nope"]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/^merchant:create: --owner-email: /);
    expect(calls).toEqual([]);
  });

  it("exits 2 when the domain refuses a field, naming the option", async () => {
    const { code, err } = await run(REQUIRED, {
      create: async () => {
        throw ValidationError.field("currency", "is not used in this country");
      },
    });
    expect(code).toBe(2);
    expect(err).toEqual(["merchant:create: --currency: is not used in this country"]);
  });

  it("exits 1 on any other failure with its message and no stack trace", async () => {
    for (const overrides of [
      { target: async () => Promise.reject(new TargetError("run `npm start` first")) },
      { create: async () => Promise.reject(new Error("Cognito is unavailable")) },
    ] satisfies Partial<MerchantCreateDeps>[]) {
      const { code, out, err } = await run(REQUIRED, overrides);
      expect(code).toBe(1);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^merchant:create: (run `npm start` first|Cognito is unavailable)$/);
    }
  });

  it("prints the usage on --help and exits 0", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    expect(out.join("\n")).toMatch(/--owner-email/);
  });
});

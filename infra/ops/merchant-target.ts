import { existsSync, readFileSync } from "node:fs";
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from "@aws-sdk/client-cloudformation";
import * as z from "zod";
import type { CognitoDirectoryConfig } from "../../shared/auth/cognito-directory.ts";
import { sdkClientBudget } from "../../shared/sdk-client-budget.ts";
import type { DbOptions } from "../../shared/store/db/client.ts";

/** Where a merchant is created: the table and the user pool of one stack. */
export interface MerchantTarget {
  /** For the operator's messages. */
  name: string;
  db: DbOptions;
  userPool: CognitoDirectoryConfig;
}

/** The stack cannot be reached or is not one of ours; its message is for the operator, as is (exit code 1). */
export class TargetError extends Error {
  override name = "TargetError";
}

/** The stack outputs the command reads (infra/stack/loyalty-wallet-stack.ts declares them). */
export const STACK_OUTPUTS = ["TableName", "UserPoolId"] as const;

// The part of .local/demo.json this command reads (infra/local/start.ts writes it).
const LocalStack = z.object({
  dynamoEndpoint: z.string().min(1),
  tableName: z.string().min(1),
  auth: z.object({ endpoint: z.string().min(1), region: z.string().min(1), userPoolId: z.string().min(1) }),
});

/**
 * The stack `npm start` runs, from what it wrote to .local/demo.json. The table keeps the local stack's
 * own client region (createDb's default): DynamoDB Local keeps one database per region and key.
 */
export function localTarget(demoFile: string): MerchantTarget {
  if (!existsSync(demoFile)) {
    throw new TargetError(
      `No running local stack found (${demoFile} is missing): run \`npm start\` first, or give --stack <name>.`,
    );
  }
  const parsed = LocalStack.safeParse(JSON.parse(readFileSync(demoFile, "utf8")));
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new TargetError(
      `${demoFile} lacks ${missing}: it was written by an older \`npm start\`; restart it.`,
    );
  }
  const demo = parsed.data;
  return {
    name: "the local stack",
    db: { table: demo.tableName, endpoint: demo.dynamoEndpoint },
    userPool: { userPoolId: demo.auth.userPoolId, region: demo.auth.region, endpoint: demo.auth.endpoint },
  };
}

// An operator waits at a terminal: a few seconds per attempt, never the SDK's unbounded default.
const CLOUDFORMATION_BUDGET = { connectTimeoutMs: 2_000, requestTimeoutMs: 5_000, maxAttempts: 3 };

export function cloudFormationClient(region?: string): CloudFormationClient {
  return new CloudFormationClient({
    ...(region ? { region } : {}),
    ...sdkClientBudget(CLOUDFORMATION_BUDGET),
  });
}

async function regionOf(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new TargetError(
      "No AWS region configured: pass --region, or set AWS_REGION or the profile's region.",
    );
  }
}

/** A deployed stack, from its outputs; the table and the pool are in the stack's region. */
export async function stackTarget(client: CloudFormationClient, stackName: string): Promise<MerchantTarget> {
  const region = await regionOf(client);
  let described: DescribeStacksCommandOutput;
  try {
    described = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    // CloudFormation answers an unknown stack with a ValidationError, "Stack with id … does not exist".
    if (error instanceof Error && error.name === "ValidationError" && /does not exist/.test(error.message)) {
      throw new TargetError(`No stack named ${stackName} in ${region}: check --stack and --region.`);
    }
    throw error;
  }
  const [found] = described.Stacks ?? [];
  const outputs = new Map((found?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const missing = STACK_OUTPUTS.filter((key) => !outputs.get(key));
  if (missing.length > 0) {
    throw new TargetError(
      `Stack ${stackName} (${found?.StackStatus ?? "not found"}) has no output ${missing.join(", ")}: is it a loyalty-wallet stack, completely deployed?`,
    );
  }
  return {
    name: `stack ${stackName} (${region})`,
    db: { table: outputs.get("TableName") as string, region },
    userPool: { userPoolId: outputs.get("UserPoolId") as string, region },
  };
}

import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import {
  LoyaltyWalletStack,
  type LoyaltyWalletStackProps,
} from "../../../infra/stack/loyalty-wallet-stack.ts";
import { readStageConfig } from "../../../infra/stack/stage-config.ts";

/** cdk.json's context (feature flags included), so tests build the stack as `cdk synth` does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL("../../../cdk.json", import.meta.url), "utf8")) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface SynthOptions extends Omit<LoyaltyWalletStackProps, "config"> {
  context?: Record<string, unknown>;
}

export interface Synthesized {
  app: App;
  stack: LoyaltyWalletStack;
  template: Template;
}

/** The whole stack with stub code: bundling is exercised by `npm run synth` and by one test of its own. */
export function synthStack(options: SynthOptions = {}): Synthesized {
  const { context, ...props } = options;
  const app = new App({ context: { ...cdkJsonContext(), ...context } });
  const stack = new LoyaltyWalletStack(app, "loyalty-wallet-test", {
    code: "stub",
    background: [],
    ...props,
    config: readStageConfig(app.node),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

export type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }
>;

export interface PolicyStatement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

export function actionsOf(statement: PolicyStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Logical id of the role of the function whose Description names functions/<handler>.ts. */
export function roleOfHandler(template: Template, handler: string): string {
  const functions = template.findResources("AWS::Lambda::Function") as Resources;
  const match = Object.values(functions).find((fn) =>
    String(fn.Properties.Description ?? "").includes(`functions/${handler}.ts`),
  );
  const role = (match?.Properties.Role as { "Fn::GetAtt"?: [string, string] } | undefined)?.[
    "Fn::GetAtt"
  ]?.[0];
  if (!role) throw new Error(`No function for functions/${handler}.ts`);
  return role;
}

/** Every statement of every inline policy attached to a role. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  const policies = template.findResources("AWS::IAM::Policy") as Resources;
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[] | undefined)?.some((ref) => ref.Ref === roleLogicalId),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

export function actionsOfHandler(template: Template, handler: string): Set<string> {
  return new Set(statementsOfRole(template, roleOfHandler(template, handler)).flatMap(actionsOf));
}

import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";
import { TABLE } from "../../shared/store/db/table-definition.ts";
import type { StageSettings } from "./stage-config.ts";

const string = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The single table, built from the same definition the local stack uses. */
export function createDataTable(scope: Construct, settings: StageSettings): dynamodb.Table {
  const table = new dynamodb.Table(scope, "Table", {
    partitionKey: string(TABLE.partitionKey),
    sortKey: string(TABLE.sortKey),
    // Traffic follows shop opening hours; on-demand costs nothing overnight and needs no capacity planning.
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: settings.deletionProtection,
    removalPolicy: settings.removalPolicy,
    stream: dynamodb.StreamViewType[TABLE.streamView],
    timeToLiveAttribute: TABLE.ttlAttribute,
  });
  for (const index of TABLE.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: string(index.partitionKey),
      sortKey: string(index.sortKey),
      projectionType: dynamodb.ProjectionType[index.projection],
      ...(index.include ? { nonKeyAttributes: [...index.include] } : {}),
    });
  }
  return table;
}

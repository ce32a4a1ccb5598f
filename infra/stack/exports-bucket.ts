import { Duration, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { EXPORT_RETENTION_DAYS } from "../../shared/files/file-store.ts";
import type { StageSettings } from "./stage-config.ts";

/**
 * The file store of exports (shared/files/s3-store.ts): CSV files and customers' access exports. Private,
 * encrypted, TLS only; files are fetched through presigned links only, and deleted after
 * EXPORT_RETENTION_DAYS: an export is a copy of personal data, kept no longer than it takes to download.
 */
export function createExportsBucket(scope: Construct, settings: StageSettings): s3.Bucket {
  const bucket = new s3.Bucket(scope, "ExportsBucket", {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: settings.removalPolicy,
    lifecycleRules: [
      { prefix: "exports/", expiration: Duration.days(EXPORT_RETENTION_DAYS) },
      // A multipart upload cut short (a function that timed out) leaves parts that cost until aborted.
      { abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  });
  Validations.of(bucket).acknowledge({
    id: "AwsSolutions-S1",
    reason:
      "Exports live a few days and are read only through presigned links the API logs when it hands them out; an access-log bucket would keep copies of their keys for longer than the files.",
  });
  return bucket;
}

// cognito-local still depends on the AWS SDK v2 (for its Lambda and KMS triggers, unused here); the product uses v3.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";

import {
  BatchGetCommand,
  type BatchGetCommandInput,
  GetCommand,
  type GetCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import type { AwsStub } from "aws-sdk-client-mock";

// biome-ignore lint/suspicious/noExplicitAny: any stub of the document client, whatever its SDK types.
type DocumentStub = AwsStub<any, any, any>;

/**
 * Reads asked for together go to DynamoDB as one BatchGetItem (shared/store/db/get-item.ts): this answers
 * each of its keys as the test's GetCommand fakes answer that key alone, so a test states what each item is
 * (or which read fails) once, whatever call the reads share. Register it again after each `reset()`.
 */
export function answerBatchGetsWithGets<S extends DocumentStub>(mock: S): S {
  mock.on(BatchGetCommand).callsFake(async (input: BatchGetCommandInput) => {
    const Responses: Record<string, Record<string, unknown>[]> = {};
    for (const [TableName, request] of Object.entries(input.RequestItems ?? {})) {
      const answers = (await Promise.all(
        (request.Keys ?? []).map((Key) =>
          mock.send(
            new GetCommand({ TableName, Key, ...(request.ConsistentRead ? { ConsistentRead: true } : {}) }),
          ),
        ),
      )) as (GetCommandOutput | undefined)[];
      // A stored item carries its own key, which a fake may leave out.
      Responses[TableName] = answers.flatMap((answer, i) =>
        answer?.Item ? [{ ...answer.Item, ...request.Keys?.[i] }] : [],
      );
    }
    return { Responses };
  });
  return mock;
}

import type { Program } from "../../model.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { numberedPage } from "../db/numbered-page.ts";
import { merchantPk } from "../db/partitions.ts";
import { type NamedItem, transact } from "../db/transact.ts";
import { newRecordItem, newRecordPut, readRecord, readRecordItems, recordFromItem } from "./partition.ts";

/**
 * A merchant's programs: the current settings (`PROGRAM#<id>`) and an immutable copy of every version
 * (`PROGRAM#<id>#V#<version>`, zero-padded so versions sort), so past explanations stay provable.
 */
const PREFIX = "PROGRAM#";
const VERSION_DIGITS = 6;
export const programSk = (programId: string) => `${PREFIX}${programId}`;
const versionPrefix = (programId: string) => `${programSk(programId)}#V#`;
export const programVersionSk = (programId: string, version: number) =>
  `${versionPrefix(programId)}${String(version).padStart(VERSION_DIGITS, "0")}`;

export const readProgram = (db: Db, merchantId: string, programId: string, consistent: boolean) =>
  readRecord<Program>(db, merchantId, programSk(programId), consistent);

/** Current programs only: their version items share the prefix and are left out. */
export const listPrograms = async (db: Db, merchantId: string): Promise<Program[]> =>
  (await readRecordItems(db, merchantId, PREFIX))
    .filter((item) => item.sk === programSk(String(item.id)))
    .map((item) => recordFromItem<Program>(item));

export interface ProgramVersionPage {
  versions: Program[];
  nextCursor: string | null;
}

/** A program's saved versions, newest first. */
export async function listProgramVersions(
  db: Db,
  merchantId: string,
  programId: string,
  page: { limit: number; cursor?: string },
): Promise<ProgramVersionPage> {
  const result = await numberedPage(
    db,
    {
      pk: merchantPk(merchantId),
      prefix: versionPrefix(programId),
      skOf: (version) => programVersionSk(programId, version),
      digits: VERSION_DIGITS,
      numberOf: (item) => item.version as number,
      consistent: true,
    },
    page,
  );
  return {
    versions: result.items.map((item) => recordFromItem<Program>(item)),
    nextCursor: result.nextCursor,
  };
}

/**
 * The program as it now stands ("program") and the copy of this version ("program-version"). Version 1
 * creates the program; a later version replaces the current item only while it is still the previous
 * version, so two concurrent saves can never both become version N+1.
 */
export function programVersionItems(db: Db, program: Program): NamedItem[] {
  const current = newRecordPut(db, program.merchantId, programSk(program.id), program);
  const sk = programVersionSk(program.id, program.version);
  return [
    {
      name: "program",
      item: {
        Put:
          program.version === 1
            ? current
            : {
                ...current,
                ConditionExpression: "#version = :previous",
                ExpressionAttributeNames: { "#version": "version" },
                ExpressionAttributeValues: { ":previous": program.version - 1 },
              },
      },
    },
    newRecordItem(db, "program-version", program.merchantId, sk, program),
  ];
}

/** Writes the version; a TransactionCancelled naming "program" means another save took this number. */
export const saveProgramVersion = (db: Db, program: Program) =>
  transact(db, programVersionItems(db, program));

export const STORED_ITEMS = [
  { type: "program", sk: "PROGRAM#<id>", indexes: [] },
  { type: "program-version", sk: "PROGRAM#<id>#V#<version>", indexes: [] },
] as const satisfies readonly StoredItemType[];

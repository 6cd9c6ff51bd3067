import type { Application } from "@berth/proto";
import type { Kysely } from "kysely";
import type { ApplicationTable, Database } from "../store/schema.js";
import { releasedDeployments } from "./projects.js";
import { toApplicationProto } from "./to-proto.js";
import type { UrlOptions } from "./urls.js";

/** Application rows as Applications, each with the deployment its current release serves. */
export async function toApplicationProtos(
  db: Kysely<Database>,
  rows: ApplicationTable[],
  urls: UrlOptions,
): Promise<Application[]> {
  const released = await releasedDeployments(db, rows);
  return rows.map((row) => toApplicationProto(row, released.get(row.id), urls));
}

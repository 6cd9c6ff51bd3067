import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import { cutPage, decodePageToken, pageSizeOf } from "../catalog/page-token.js";
import type { Database, JobTable } from "../store/schema.js";

export interface JobListQuery {
  project?: string;
  app?: string;
  states: string[];
  pageSize: number;
  pageToken: string;
}

/** Jobs newest first (ids are ULIDs, so id order is queue order), with an opaque page token. */
export async function listJobRows(
  db: Kysely<Database>,
  q: JobListQuery,
): Promise<{ rows: JobTable[]; nextPageToken: string }> {
  const size = pageSizeOf(q.pageSize);
  let query = db
    .selectFrom("jobs")
    .selectAll()
    .orderBy("id", "desc")
    .limit(size + 1);
  if (q.project) query = query.where("project", "=", q.project);
  if (q.app) query = query.where("app", "=", q.app);
  if (q.states.length > 0) query = query.where("state", "in", q.states);
  if (q.pageToken) {
    const cursor = decodePageToken("jobs", q.pageToken);
    if (cursor === undefined)
      throw new ConnectError("page_token is not a jobs page token", Code.InvalidArgument);
    query = query.where("id", "<", cursor);
  }
  const rows = await query.execute();
  return cutPage("jobs", rows, size, (row) => row.id);
}

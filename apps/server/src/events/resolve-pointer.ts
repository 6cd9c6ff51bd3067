import { RunnerSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { toApplicationProtos } from "../catalog/application-protos.js";
import { toInstanceProto } from "../catalog/to-proto.js";
import type { UrlOptions } from "../catalog/urls.js";
import { toConfigRevisionProto } from "../config/config-proto.js";
import { getConfigRevision } from "../config/config-store.js";
import { getBuildRow, getDeploymentRow, getReleaseRow } from "../history/get-history.js";
import { buildProto, deploymentProto, releaseProto } from "../history/history-protos.js";
import { toJobProto } from "../jobs/job-rows.js";
import type { Store } from "../store/open-store.js";
import type { BusEvent } from "./event-bus.js";
import type { EventPointer } from "./event-pointer.js";

/**
 * The event a pointer from another replica stands for, read back from the store (the row as committed; a
 * later change sends its own pointer). Undefined when the row is gone (deleted since).
 */
export async function resolvePointer(
  store: Store,
  urls: UrlOptions,
  p: EventPointer,
): Promise<BusEvent | undefined> {
  const { db } = store;
  const names = { project: p.p, app: p.a };
  switch (p.k) {
    case "application": {
      const row = await db
        .selectFrom("applications")
        .selectAll()
        .where("project", "=", p.p)
        .where("name", "=", p.id)
        .executeTakeFirst();
      if (!row) return undefined;
      const [value] = await toApplicationProtos(db, [row], urls);
      return value && { ...names, event: { case: "application", value } };
    }
    case "build":
      return { ...names, event: { case: "build", value: await buildProto(db, await getBuildRow(db, p.id)) } };
    case "deployment": {
      const value = await deploymentProto(db, await getDeploymentRow(db, p.id), urls);
      return { ...names, event: { case: "deployment", value } };
    }
    case "release": {
      const value = await releaseProto(db, await getReleaseRow(db, p.id), urls);
      return { ...names, event: { case: "release", value } };
    }
    case "job": {
      const row = await db.selectFrom("jobs").selectAll().where("id", "=", p.id).executeTakeFirst();
      return row && { ...names, event: { case: "job", value: toJobProto(row) } };
    }
    case "instance": {
      const row = await db.selectFrom("instances").selectAll().where("id", "=", p.id).executeTakeFirst();
      if (!row) return undefined;
      const value = toInstanceProto(row, { connected: p.c === true, configError: "" });
      return { ...names, event: { case: "instance", value } };
    }
    case "runner": {
      const row = await db.selectFrom("runners").selectAll().where("id", "=", p.id).executeTakeFirst();
      if (!row) return undefined;
      const value = create(RunnerSchema, {
        id: row.id,
        name: row.name,
        kind: row.kind,
        online: p.c === true,
        lastSeenAt: timestampFromMs(row.last_seen_at),
        registeredAt: timestampFromMs(row.registered_at),
      });
      return { ...names, event: { case: "runner", value } };
    }
    case "config": {
      const row = await getConfigRevision(db, p.p, p.n ?? 0);
      return { ...names, event: { case: "config", value: toConfigRevisionProto(row) } };
    }
  }
}

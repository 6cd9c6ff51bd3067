import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { instanceRow } from "./instance-row.js";
import type { InstanceView } from "./platform.js";

/** Writes instance rows in the order they changed, one chain per instance. */
export interface InstanceWriter {
  /** Upserts the instance's row after its earlier writes (keeps the row's config revision). */
  write(view: InstanceView): void;
  /** Resolves once every write queued so far (of these instances, or of all) is done. */
  flush(instanceIds?: Iterable<string>): Promise<void>;
}

/**
 * The instances table as platforms that observe an engine keep it: every change of a view is upserted, in order
 * per instance, without blocking the observer; failures go to `onError` (the next change writes the row again).
 */
export function createInstanceWriter(db: Kysely<Database>, onError: (err: unknown) => void): InstanceWriter {
  const writes = new Map<string, Promise<unknown>>();
  return {
    write(view) {
      const row = instanceRow(view);
      // config_revision is the entrypoint's to report (EntrypointService): a state change must not reset it.
      const { config_revision: _revision, ...updatable } = row;
      const next = (writes.get(view.id) ?? Promise.resolve())
        .then(() =>
          db
            .insertInto("instances")
            .values(row)
            .onConflict((oc) => oc.column("id").doUpdateSet(updatable))
            .execute(),
        )
        .catch(onError);
      writes.set(view.id, next);
    },
    async flush(instanceIds) {
      const ids = instanceIds ? [...instanceIds] : [...writes.keys()];
      await Promise.all(ids.map((id) => writes.get(id)));
    },
  };
}

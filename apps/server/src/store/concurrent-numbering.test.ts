// Numbers taken as MAX + 1 (deployment seqs, config revisions) stay distinct when many writers race: SQLite has one
// writer; on PostgreSQL the pool runs them at once, and the row or advisory lock makes them take turns.
import { afterEach, describe, expect, it } from "vitest";
import { openTestStore, storeDialects, type TestStore } from "../../test/helpers/test-stores.js";
import { upsertApplication } from "../catalog/projects.js";
import { setConfigVars } from "../config/config-store.js";
import { insertDeployment } from "../history/insert-history.js";

let opened: TestStore | undefined;
afterEach(async () => {
  await opened?.dispose();
  opened = undefined;
});

describe.each(storeDialects)("numbering under concurrent writers on %s", (dialect) => {
  it("gives deployments inserted at once consecutive seqs", async () => {
    opened = await openTestStore(dialect);
    const { db } = opened.store;
    const app = await upsertApplication(db, { project: "shop", app: "web", labels: {}, configJson: "" });
    const rows = await Promise.all(
      Array.from({ length: 12 }, () => insertDeployment(db, { appId: app.id, status: "healthy" })),
    );
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it("gives config changes made at once consecutive revisions", async () => {
    opened = await openTestStore(dialect);
    const { db } = opened.store;
    const actor = { tokenId: "t", name: "ada" };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        setConfigVars(db, {
          project: "shop",
          app: "",
          set: [{ name: `VAR_${i}`, value: String(i), secret: false }],
          unset: [],
          actor,
        }),
      ),
    );
    const revisions = results.map((r) => r.revision?.revision ?? 0).sort((a, b) => a - b);
    expect(revisions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const vars = await db.selectFrom("config_vars").select("name").where("project", "=", "shop").execute();
    expect(vars).toHaveLength(8);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { openTestStore, storeDialects, type TestStore } from "../../test/helpers/test-stores.js";
import { ensureBootstrapToken } from "./bootstrap-token.js";

describe.each(storeDialects)("the bootstrap token (%s)", (dialect) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it("is minted once, however many first starts race for it", async () => {
    store = await openTestStore(dialect);
    const { db } = store.store;
    // Replicas starting together on one fresh store: each asks in its own transaction.
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureBootstrapToken(db)));
    expect(results.filter((secret) => secret !== undefined)).toHaveLength(1);
    expect(await ensureBootstrapToken(db)).toBeUndefined();
    const tokens = await db.selectFrom("tokens").select("name").where("name", "=", "bootstrap").execute();
    expect(tokens).toHaveLength(1);
  });
});

// Several in-process server replicas on one fresh PostgreSQL database, with short heartbeats.

import { startTestServer, type TestServer } from "./test-server.js";
import type { TestDatabase } from "./test-stores.js";
import { createTestDatabase } from "./test-stores.js";

/** Heartbeats of test replicas: dead after 3 missed beats of 200 ms. */
export const testReplicaTiming = { heartbeatMs: 200, missedBeats: 3 };

export interface ReplicaSet {
  database: TestDatabase;
  replicas: TestServer[];
  /** The admin token (minted by the first replica; every replica shares the store's tokens). */
  token: string;
  /** Stops every replica still running and drops the database. */
  dispose(): Promise<void>;
}

/** Starts `count` replicas, one after the other, on a database of their own. */
export async function startReplicaSet(
  count: number,
  options: { builtinRunner?: boolean } = {},
): Promise<ReplicaSet> {
  const database = await createTestDatabase();
  const replicas: TestServer[] = [];
  const dispose = async () => {
    for (const r of replicas) await r.dispose();
    await database.drop();
  };
  try {
    for (let i = 0; i < count; i++)
      replicas.push(
        await startTestServer({
          store: database.url,
          builtinRunner: options.builtinRunner ?? false,
          replicaTiming: testReplicaTiming,
        }),
      );
  } catch (err) {
    await dispose();
    throw err;
  }
  return { database, replicas, token: replicas[0]?.bootstrapToken ?? "", dispose };
}

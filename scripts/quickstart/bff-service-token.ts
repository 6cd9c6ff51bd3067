// The quickstart BFF's service token: kept in the data dir (mode 600) and reused by the next start, so dashboard-managed
// sign-in providers work under `npm start` without minting a new admin token every time (and the OIDC sessions made
// through this BFF, derived from it, outlive a restart).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { issueToken, verifyToken } from "@berth/server";

type StoreDb = Parameters<typeof issueToken>[0];

export async function bffServiceToken(db: StoreDb, dataDir: string): Promise<string> {
  const file = join(dataDir, "bff-service-token");
  let kept = "";
  try {
    kept = readFileSync(file, "utf8").trim();
  } catch {
    // First start (or the file was removed): mint one below.
  }
  if (kept && (await verifyToken(db, kept))) return kept;
  const { secret } = await issueToken(db, { kind: "login", role: "admin", name: "bff" });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

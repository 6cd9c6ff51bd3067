import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { type RouteTable, RouteTableSchema } from "@berth/proto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";

const format = "berth-routes/1";

/** Why a snapshot file could not be used (it is never served half-read). */
export class SnapshotError extends Error {}

/**
 * The last route table a router received, kept on disk so a router started while the server is down serves
 * what it served before. One header line (format, length, SHA-256 of the body) then the table in protobuf
 * binary: a torn or edited file fails the check instead of being served in part.
 */
export async function saveRouteSnapshot(path: string, table: RouteTable): Promise<void> {
  const body = toBinary(RouteTableSchema, table);
  const sha256 = createHash("sha256").update(body).digest("hex");
  const header = Buffer.from(`${JSON.stringify({ format, bytes: body.length, sha256 })}\n`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, "w", 0o600);
  try {
    await file.writeFile(Buffer.concat([header, body]));
    await file.sync();
  } finally {
    await file.close();
  }
  // rename is atomic: a reader sees the old snapshot or the new one, never a mix.
  await rename(tmp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Reads a snapshot; undefined when there is none, SnapshotError when it is damaged. */
export async function loadRouteSnapshot(path: string): Promise<RouteTable | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const newline = data.indexOf(10);
  let header: { format?: unknown; bytes?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(data.subarray(0, newline < 0 ? data.length : newline).toString("utf8"));
  } catch {
    throw new SnapshotError(`${path}: not a route snapshot (its first line is not a header)`);
  }
  if (header.format !== format)
    throw new SnapshotError(`${path}: unknown snapshot format ${JSON.stringify(header.format)}`);
  const body = data.subarray(newline + 1);
  if (body.length !== header.bytes)
    throw new SnapshotError(`${path}: truncated (${body.length} of ${String(header.bytes)} bytes)`);
  if (createHash("sha256").update(body).digest("hex") !== header.sha256)
    throw new SnapshotError(`${path}: checksum mismatch (the file was damaged or edited)`);
  try {
    return fromBinary(RouteTableSchema, body);
  } catch (err) {
    throw new SnapshotError(`${path}: cannot decode the table: ${(err as Error).message}`);
  }
}

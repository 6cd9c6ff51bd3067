import type { Kysely } from "kysely";
import { dialectOf } from "../store-dialect.js";

/**
 * Column types that differ between the dialects. Times are epoch milliseconds, which overflow PostgreSQL's
 * 32-bit "integer", so every integer column is a "bigint" there; SQLite's "integer" is already 64-bit, and its
 * DDL stays byte for byte what it was before PostgreSQL existed.
 */
export function columnTypes(db: Kysely<unknown>) {
  const pg = dialectOf(db) === "postgres";
  return {
    int: pg ? ("bigint" as const) : ("integer" as const),
    blob: pg ? ("bytea" as const) : ("blob" as const),
  };
}

import { Code, ConnectError } from "@connectrpc/connect";

// Page tokens are opaque to clients but simple inside: base64url of "<prefix>:<cursor>". The prefix keeps a
// token from one listing from being replayed against another kind of listing by mistake.
const tokenPattern = /^([a-z]+):(.+)$/;

/** Encodes the cursor of the last item on a page (a seq, revision or id) as an opaque page token. */
export function encodePageToken(kind: string, cursor: string | number): string {
  return Buffer.from(`${kind}:${cursor}`, "utf8").toString("base64url");
}

/** Decodes a page token into its cursor; "" means the first page. A garbled token is InvalidArgument. */
export function decodePageToken(kind: string, token: string): string | undefined {
  if (token === "") return undefined;
  const bad = () =>
    new ConnectError(
      `page_token "${token.slice(0, 40)}" is not a valid ${kind} page token; pass next_page_token from the previous response`,
      Code.InvalidArgument,
    );
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw bad();
  const match = tokenPattern.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!match || match[1] !== kind) throw bad();
  return match[2];
}

/** Decodes a page token whose cursor is a sequence number (builds, deployments, releases, revisions). */
export function decodeSeqPageToken(kind: string, token: string): number | undefined {
  const cursor = decodePageToken(kind, token);
  if (cursor === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) {
    throw new ConnectError(`page_token is not a valid ${kind} page token`, Code.InvalidArgument);
  }
  return Number(cursor);
}

/**
 * Cuts a batch fetched with `pageSize + 1` rows (the extra one only says "there is more") into the page and the
 * token of the next one, made from the last row's cursor; "" when this was the last page.
 */
export function cutPage<Row>(
  kind: string,
  fetched: Row[],
  pageSize: number,
  cursorOf: (row: Row) => string | number,
): { rows: Row[]; nextPageToken: string } {
  const rows = fetched.slice(0, pageSize);
  const last = rows[rows.length - 1];
  return {
    rows,
    nextPageToken: fetched.length > pageSize && last ? encodePageToken(kind, cursorOf(last)) : "",
  };
}

export const defaultPageSize = 50;
export const maxPageSize = 1000;

/** The page size to use: 0 means the default; anything above the maximum is clamped (validation rejects it earlier). */
export function pageSizeOf(requested: number): number {
  if (requested <= 0) return defaultPageSize;
  return Math.min(requested, maxPageSize);
}

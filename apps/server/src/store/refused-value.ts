import { Code, ConnectError } from "@connectrpc/connect";

/**
 * A PostgreSQL "data exception" (SQLSTATE class 22) is a request value the database cannot hold, where SQLite would
 * have stored it: a NUL character in text, a number beyond BIGINT. That is the caller's input, not a server fault:
 * InvalidArgument, in words that never echo the value. Undefined for any other error.
 */
export function refusedValueError(e: unknown): ConnectError | undefined {
  if (!(e instanceof Error) || !("severity" in e) || !("code" in e)) return undefined;
  const code = String(e.code);
  if (!code.startsWith("22")) return undefined;
  const what =
    code === "22021" || code === "22P05"
      ? "a text field contains a character the store cannot hold (NUL)"
      : "a value in the request is outside what the store can hold";
  return new ConnectError(what, Code.InvalidArgument, undefined, undefined, e);
}

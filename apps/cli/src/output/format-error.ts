import { Code, ConnectError } from "@connectrpc/connect";
import { sanitizeText } from "./sanitize-text.js";

/** Code names as gRPC tools print them: not_found, permission_denied... */
export function codeName(code: Code): string {
  return (Code[code] ?? "unknown").replace(/[A-Z]/g, (c, i) =>
    i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`,
  );
}

/**
 * One line for any error: "<code>: <message>" for API errors, the message for others. Never a stack, and never
 * a control sequence (messages may quote stored text).
 */
export function formatError(e: unknown): string {
  if (e instanceof ConnectError) return sanitizeText(`${codeName(e.code)}: ${e.rawMessage}`);
  if (e instanceof Error) return sanitizeText(e.message);
  return sanitizeText(String(e));
}

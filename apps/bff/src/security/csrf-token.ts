import { randomBytes, timingSafeEqual } from "node:crypto";

/** Header the SPA echoes the session's CSRF token in on every mutating request. */
export const csrfHeaderName = "x-csrf-token";

/** Mints a CSRF token (256 bits, URL-safe). */
export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Constant-time comparison of the token a request carries with the session's. */
export function csrfTokenMatches(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== "string" || sent.length === 0) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

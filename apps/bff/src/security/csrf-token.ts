import { randomBytes } from "node:crypto";
import { secretMatches } from "./secret-matches.js";

/** Header the SPA echoes the session's CSRF token in on every mutating request. */
export const csrfHeaderName = "x-csrf-token";

/** Mints a CSRF token (256 bits, URL-safe). */
export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Constant-time comparison of the token a request carries with the session's. */
export function csrfTokenMatches(sent: string | string[] | undefined, expected: string): boolean {
  return secretMatches(sent, expected);
}

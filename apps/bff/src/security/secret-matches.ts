import { timingSafeEqual } from "node:crypto";

/** Constant-time comparison of a secret a request carries with the expected one. */
export function secretMatches(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== "string" || sent.length === 0 || expected.length === 0) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

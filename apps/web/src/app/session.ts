/** The session query's key: not an RPC, so hand-written (like the sign-in providers' key). */
export const sessionKey = ["berth", "session"] as const;

/** "/login?next=<where the user was going>" */
export function loginPath(next: string): string {
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}

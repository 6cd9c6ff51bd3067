/** The session query's key: not an RPC, so it is the one hand-written key in the app. */
export const sessionKey = ["berth", "session"] as const;

/** "/login?next=<where the user was going>" */
export function loginPath(next: string): string {
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}

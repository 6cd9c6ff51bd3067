/** A PostgreSQL URL as people may see it: the password replaced by "***". */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // Unparseable: hide anything between "://user:" and "@", the usual place of a password.
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, "$1***@");
  }
}

/** Whether a --store value names PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** Checks a PostgreSQL URL's shape (scheme, host, database) before any connection, with the field at fault. */
export function checkPostgresUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(
      `store URL ${redactUrl(url)} is not a valid URL (expected postgres://user:password@host:5432/database)`,
    );
  }
  if (!isPostgresUrl(url))
    throw new Error(
      `store URL ${redactUrl(url)}: scheme "${u.protocol}" is not postgres: or postgresql: (the embedded SQLite store needs no --store)`,
    );
  if (!u.hostname && !u.searchParams.get("host"))
    throw new Error(`store URL ${redactUrl(url)} names no host`);
  if (u.pathname.replace(/^\//, "") === "")
    throw new Error(`store URL ${redactUrl(url)} names no database (add /<database> after the host)`);
}

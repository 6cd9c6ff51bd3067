/**
 * Reads a list of server addresses (`--server a,b,c`, BERTH_SERVER, BERTH_SERVER_ADDR…) into URL origins.
 * `127.0.0.1:9701` means `http://127.0.0.1:9701`. An empty entry or one that is not an http(s) URL is an error
 * naming the setting, the entry's position and its text, so a typo in a long list is found at once.
 */
export function parseServerAddresses(raw: string, setting: string): string[] {
  const entries = raw.split(",").map((e) => e.trim());
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const label = entries.length > 1 ? `${setting} address ${i + 1} of ${entries.length}` : setting;
    if (entry === "") throw new Error(`${label} is empty (in "${raw}"); give URLs separated by commas`);
    const origin = originOf(entry, label);
    if (seen.has(origin)) throw new Error(`${label} "${entry}" repeats ${origin}`);
    seen.add(origin);
    return origin;
  });
}

function originOf(entry: string, label: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `http://${entry}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${label} "${entry}" is not a URL; e.g. http://127.0.0.1:9701`);
  }
  // Not quoted back: whatever sits before the @ may be a password.
  if (url.username !== "" || url.password !== "")
    throw new Error(`${label} must not carry a user or password (tokens have their own setting)`);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`${label} "${entry}" must be an http:// or https:// URL`);
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "")
    throw new Error(`${label} "${entry}" must be a server's address only, without a path`);
  return url.origin;
}

/**
 * Where to go after sign-in: `next` when it is a path on this site, "/" otherwise. Refuses anything a
 * browser could resolve to another origin: `//host`, `/\host` (browsers treat `\` as `/`), their
 * percent-encoded forms (`/%2F`, `/%5C`, decoded by some routers and proxies), and control characters
 * (browsers strip tabs and newlines from URLs, so `/\t/host` becomes `//host`).
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith("/")) return "/";
  let decoded = next;
  // Decode repeatedly so double-encoded separators are seen too; malformed escapes are refused.
  for (let i = 0; i < 3; i++) {
    try {
      const once = decodeURIComponent(decoded);
      if (once === decoded) break;
      decoded = once;
    } catch {
      return "/";
    }
  }
  for (const candidate of [next, decoded]) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return "/";
    if (candidate.startsWith("//")) return "/";
  }
  // The final word: resolved against this origin, it must stay on this origin.
  const base = "http://same.invalid";
  try {
    if (new URL(next, base).origin !== base) return "/";
  } catch {
    return "/";
  }
  return next;
}

/** What replaces a secret in text shown to people. */
export const redacted = "***";

/**
 * Text with every secret (and its URL-encoded and base64 forms, as git may print them) replaced, and any
 * `scheme://user:password@` userinfo masked: git's errors quote URLs, and a token must never reach a job log.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = secrets
    .filter((s) => s.length >= 4)
    .flatMap((s) => [s, encodeURIComponent(s), Buffer.from(s).toString("base64")]);
  // Longest first: a secret that contains another is replaced whole.
  for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length))
    out = out.split(form).join(redacted);
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, `$1${redacted}@`);
}

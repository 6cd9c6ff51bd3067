/**
 * What each regex pattern in our .proto rules means, in words a person can act on. A violation of a
 * pattern listed here is reported with this text instead of the regex (and never with the rejected value).
 */
const meanings: Record<string, string> = {
  "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$":
    "a name is lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. my-app)",
  "^([a-z0-9]([a-z0-9-]*[a-z0-9])?)?$":
    "a name is lowercase letters, digits and hyphens, starting and ending with a letter or digit (or empty)",
  "^[A-Za-z_][A-Za-z0-9_]*$":
    "a config variable name is letters, digits and underscores, not starting with a digit (e.g. DATABASE_URL)",
  "^([0-9a-f]{40})?$": "a commit SHA is 40 lowercase hex characters (or empty)",
  "^[0-9a-f]{40}$": "a commit SHA is 40 lowercase hex characters",
  "^([0-9a-f]{4,40})?$": "a SHA prefix is 4–40 lowercase hex characters",
  "^[0-9a-f]{4,40}$": "a SHA prefix is 4–40 lowercase hex characters",
  "^sha256:[0-9a-f]{64}$": 'a digest is "sha256:" followed by 64 lowercase hex characters',
  "^(sha256:[0-9a-f]{64})?$": 'a digest is "sha256:" followed by 64 lowercase hex characters (or empty)',
};

/** The human meaning of a rule's regex pattern; a generic phrase for a pattern not in the table. */
export function patternMeaning(pattern: string): string {
  return meanings[pattern] ?? "the value does not have the expected format";
}

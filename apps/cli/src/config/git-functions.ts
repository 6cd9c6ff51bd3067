/** What the config functions gitrefpretty() and gitrefhash() evaluate to. */
export interface GitRefs {
  /** Full commit SHA, "" outside a git repository. */
  sha: string;
  /** The exact tag of the commit, if any. */
  tag: string;
  dirty: boolean;
}

const functionCall = /\$\{\s*([A-Za-z_][\w]*)\s*\(\s*\)\s*\}/g;
const anyTemplate = /\$\{([^}]*)\}/;

/** gitrefpretty(): the commit's tag, else its short SHA; "-dirty" when the tree has uncommitted changes. */
export function gitRefPretty(refs: GitRefs): string {
  const base = refs.tag || refs.sha.slice(0, 7) || "unknown";
  return refs.dirty ? `${base}-dirty` : base;
}

/** gitrefhash(): the full commit SHA. */
export function gitRefHash(refs: GitRefs): string {
  return refs.sha || "unknown";
}

export const knownFunctions = ["gitrefpretty", "gitrefhash"] as const;

/**
 * Expands `${gitrefpretty()}` and `${gitrefhash()}` in a string. Throws with a readable message for an
 * unknown function or any other template expression, which berth.hcl does not support.
 */
export function expandTemplates(value: string, refs: GitRefs): string {
  const expanded = value.replace(functionCall, (_whole, name: string) => {
    if (name === "gitrefpretty") return gitRefPretty(refs);
    if (name === "gitrefhash") return gitRefHash(refs);
    throw new Error(`unknown function "${name}()"; known: ${knownFunctions.map((f) => `${f}()`).join(", ")}`);
  });
  const leftover = anyTemplate.exec(expanded);
  if (leftover)
    throw new Error(
      `unsupported expression "\${${leftover[1]}}"; only ${knownFunctions.map((f) => `${f}()`).join(" and ")} may be used in strings`,
    );
  return expanded;
}

import type { ConfigIssue, Stanza } from "./config-types.js";
import { knownPlugins } from "./config-types.js";
import { expandTemplates, type GitRefs } from "./git-functions.js";

/** An object of the parsed file (a block's or attribute map's body). */
export type Raw = Record<string, unknown>;

/** A block body or map (not a list, not null). */
export function isObject(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** HCL blocks come back from hcl2json as arrays of objects; JSON configs may give a plain object. */
export function blocks(v: unknown): Raw[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

/** Collects what is wrong with a config, each at a path of block types, labels and attribute names. */
export class Checker {
  issues: ConfigIssue[] = [];
  constructor(readonly refs: GitRefs) {}

  fail(path: string[], message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  string(obj: Raw, key: string, path: string[], required: boolean): string | undefined {
    const v = obj[key];
    if (v === undefined) return required ? this.fail(path, `missing attribute "${key}"`) : undefined;
    if (typeof v !== "string")
      return this.fail([...path, key], `"${key}" must be a string, got ${describe(v)}`);
    try {
      return expandTemplates(v, this.refs);
    } catch (err) {
      return this.fail([...path, key], `"${key}": ${(err as Error).message}`);
    }
  }

  unknownKeys(obj: Raw, allowed: string[], path: string[], what: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key))
        this.fail([...path, key], `unexpected "${key}" in ${what}; expected one of: ${allowed.join(", ")}`);
    }
  }

  /** A `stanza { use "plugin" { ... } }` block; returns the plugin name and its options. */
  use(
    app: Raw,
    stanza: Stanza,
    path: string[],
    required: boolean,
  ): { name: string; options: Raw } | undefined {
    const list = blocks(app[stanza]);
    if (list.length === 0) {
      if (required) return this.fail(path, `app is missing its "${stanza}" block`);
      return { name: knownPlugins[stanza][0], options: {} };
    }
    if (list.length > 1) this.fail([...path, stanza], `only one "${stanza}" block is allowed`);
    const block = list[0]!;
    const use = block.use;
    if (!isObject(use) || Object.keys(use).length === 0)
      return this.fail([...path, stanza], `"${stanza}" block needs a use "<plugin>" { } block`);
    const names = Object.keys(use);
    const name = names[0]!;
    if (names.length > 1) this.fail([...path, stanza, "use"], `"${stanza}" takes one use block`);
    const known: readonly string[] = knownPlugins[stanza];
    if (!known.includes(name))
      return this.fail(
        [...path, stanza, "use", name],
        `unknown ${stanza} plugin "${name}"; known: ${known.join(", ")}`,
      );
    return { name, options: blocks(use[name])[0] ?? {} };
  }
}

/** A value as an error message names it: `string "two"`, `a list`, `a block`. */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  return typeof v === "object" ? "a block" : `${typeof v} ${JSON.stringify(v)}`;
}

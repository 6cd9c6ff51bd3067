import { blocks, type Checker, describe } from "./config-checker.js";
import type { GitSourceConfig } from "./config-types.js";

const urlPattern = /^(https?|ssh|git|file):\/\/\S+$/;
const scpPattern = /^[\w.-]+@[\w.-]+:[^\s]+$/;
const refPattern = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,255}$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * `source { git { url = "…", ref = "main", path = "apps/web", credentials = "GIT_TOKEN", auto_release = true } }`:
 * the repository the server builds the app from. Credentials are never written here: a URL with a password is
 * refused, and `credentials` names the secret config var that holds them.
 */
export function gitSource(c: Checker, v: unknown, path: string[]): { git: GitSourceConfig } | undefined {
  if (v === undefined) return undefined;
  const list = blocks(v);
  if (list.length !== 1) return c.fail(path, 'expected one block: source { git { url = "…" } }');
  const source = list[0]!;
  c.unknownKeys(source, ["git"], path, "source");
  const gits = blocks(source.git);
  if (gits.length !== 1) return c.fail(path, 'source needs one git block: source { git { url = "…" } }');
  const raw = gits[0]!;
  const at = [...path, "git"];
  c.unknownKeys(raw, ["url", "ref", "path", "credentials", "auto_release"], at, "git");
  const url = c.string(raw, "url", at, true);
  if (url !== undefined) {
    if (!urlPattern.test(url) && !scpPattern.test(url))
      c.fail(
        [...at, "url"],
        `"url" must be a repository URL (https://, ssh://, git://, file:// or git@host:owner/repo.git), got "${url}"`,
      );
    else if (/^[a-z]+:\/\/[^/@\s]*:[^/@\s]*@/.test(url))
      c.fail(
        [...at, "url"],
        '"url" carries a password: keep it in a secret config var (berth config set --secret GIT_TOKEN=…) and name it with credentials = "GIT_TOKEN"',
      );
  }
  const ref = c.string(raw, "ref", at, false) ?? "main";
  if (!refPattern.test(ref))
    c.fail([...at, "ref"], `"ref" must be a branch or tag name like "main" or "release/1.2", got "${ref}"`);
  const dir = c.string(raw, "path", at, false) ?? ".";
  if (dir.startsWith("/") || dir.split("/").includes("..") || /[\0\r\n\\]/.test(dir))
    c.fail([...at, "path"], `"path" must be a directory inside the repository like "apps/web", got "${dir}"`);
  const credentials = c.string(raw, "credentials", at, false);
  if (credentials !== undefined && !envNamePattern.test(credentials))
    c.fail(
      [...at, "credentials"],
      `"credentials" names a secret config var like "GIT_TOKEN" (not the token itself), got a value that is not a name`,
    );
  const autoRelease = raw.auto_release ?? false;
  if (typeof autoRelease !== "boolean")
    c.fail([...at, "auto_release"], `"auto_release" must be true or false, got ${describe(autoRelease)}`);
  if (url === undefined) return undefined;
  return {
    git: {
      url,
      ref,
      path: dir.replace(/\/+$/, "") || ".",
      ...(credentials !== undefined && { credentials }),
      autoRelease: autoRelease === true,
    },
  };
}

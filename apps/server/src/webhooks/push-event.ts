import type { Forge } from "./verify-delivery.js";

/** A push as the forges describe it, reduced to what a build needs. */
export interface PushEvent {
  /** Every URL the payload gives for the repository (clone, SSH, web): a source may name any of them. */
  repositoryUrls: string[];
  /** The branch pushed to, without refs/heads/; empty for a tag or another ref. */
  branch: string;
  ref: string;
  /** The commit the branch now points at. */
  sha: string;
  /** The push deleted the branch. */
  deleted: boolean;
}

const zeroSha = /^0+$/;

function strings(...values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === "string" && v !== "");
}

/** Whether the forge's event name is a push (GitHub and Gitea say "push", GitLab "Push Hook"). */
export function isPushEvent(forge: Forge, event: string): boolean {
  return forge === "gitlab" ? event === "Push Hook" : event === "push";
}

/** The push in a payload, or why it is not one a build can come from. */
export function parsePush(forge: Forge, payload: unknown): PushEvent | string {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return "the body is not a JSON object";
  const p = payload as Record<string, Record<string, unknown> | unknown>;
  const repo = (p.repository ?? {}) as Record<string, unknown>;
  const project = (p.project ?? {}) as Record<string, unknown>;
  const repositoryUrls =
    forge === "gitlab"
      ? strings(
          project.git_http_url,
          project.git_ssh_url,
          project.web_url,
          repo.git_http_url,
          repo.url,
          repo.homepage,
        )
      : strings(repo.clone_url, repo.ssh_url, repo.git_url, repo.html_url, repo.url);
  const ref = typeof p.ref === "string" ? p.ref : "";
  const sha = typeof p.after === "string" ? p.after : "";
  if (repositoryUrls.length === 0) return "the payload names no repository";
  if (!ref) return "the payload has no ref";
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return "the payload's after is not a commit SHA";
  return {
    repositoryUrls,
    ref,
    branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : "",
    sha,
    deleted: p.deleted === true || zeroSha.test(sha),
  };
}

/**
 * A repository URL in one comparable form: host and path, lowercased host, no scheme, credentials, port of
 * the scheme's default, trailing slash or ".git" — so `git@github.com:acme/shop.git` and
 * `https://github.com/acme/shop` are the same repository.
 */
export function repositoryKey(url: string): string {
  let u = url.trim();
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)(.+)$/.exec(u);
  if (scp) u = `${scp[1]}/${scp[2]}`;
  else {
    const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^/@]*@)?([^/]*)(.*)$/i.exec(u);
    if (m) {
      const scheme = m[1]!.toLowerCase();
      const host = scheme === "file" ? "" : m[2]!.toLowerCase().replace(/:(22|80|443|9418)$/, "");
      u = `${host}${m[3]}`;
    }
  }
  return u
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
}

/** A commit status as GitHub's statuses API (and Gitea's, the same shape) takes it. */
export interface CommitStatus {
  state: "pending" | "success" | "failure" | "error";
  /** The preview's URL: the forge links the status to it. */
  targetUrl: string;
  description: string;
}

export interface CommitStatusTarget {
  /** The forge's API base: https://api.github.com, https://gitea.example.com/api/v1. */
  apiUrl: string;
  /** The base repository, "owner/name". */
  fullName: string;
  sha: string;
  token: string;
}

/** Shown beside the status on the PR, and what a later status of the same context replaces. */
export const statusContext = "berth/preview";

/**
 * Posts a commit status (`POST {api}/repos/{owner}/{name}/statuses/{sha}`). Throws with the forge's answer
 * when it is not 2xx; the caller records that and goes on (a status never changes a preview's outcome).
 */
export async function postCommitStatus(
  target: CommitStatusTarget,
  status: CommitStatus,
  signal?: AbortSignal,
): Promise<void> {
  const [owner, name] = target.fullName.split("/");
  if (!owner || !name) throw new Error(`"${target.fullName}" is not an owner/name repository`);
  const url = `${target.apiUrl.replace(/\/+$/, "")}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${target.sha}`;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${target.token}`,
      "content-type": "application/json",
      "user-agent": "berth",
      "x-github-api-version": "2022-11-28",
    },
    body: JSON.stringify({
      state: status.state,
      target_url: status.targetUrl,
      // GitHub refuses a description over 140 characters.
      description: status.description.slice(0, 140),
      context: statusContext,
    }),
    signal: signal ?? AbortSignal.timeout(10_000),
    redirect: "error",
  });
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 200);
    throw new Error(`the forge answered ${res.status} to the commit status${text ? `: ${text}` : ""}`);
  }
  await res.body?.cancel();
}

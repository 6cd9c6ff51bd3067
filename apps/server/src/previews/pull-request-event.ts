import type { Forge } from "../webhooks/verify-delivery.js";

/** A pull/merge request event as the forges describe it, reduced to what a preview needs. */
export interface PullRequestEvent {
  /** open: opened or reopened; update: new commits; close: closed or merged; other: labels, edits… */
  action: "open" | "update" | "close" | "other";
  /** The forge's own action word, for the delivery log. */
  forgeAction: string;
  number: number;
  title: string;
  /** The PR's head: its branch and commit. */
  branch: string;
  sha: string;
  /** Every URL of the base repository (the one the PR asks to merge into). */
  repositoryUrls: string[];
  /** The base repository's "owner/name" (GitLab: path_with_namespace): where a commit status goes. */
  fullName: string;
  /** The head comes from another repository. */
  fromFork: boolean;
}

/** Whether the forge's event is a pull/merge request (GitHub and Gitea: pull_request; GitLab: Merge Request Hook). */
export function isPullRequestEvent(forge: Forge, event: string): boolean {
  return forge === "gitlab" ? event === "Merge Request Hook" : event === "pull_request";
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strings = (...values: unknown[]): string[] =>
  values.filter((v): v is string => typeof v === "string" && v !== "");
const shaPattern = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

const actions: Record<string, PullRequestEvent["action"]> = {
  opened: "open",
  reopened: "open",
  synchronize: "update",
  synchronized: "update",
  closed: "close",
  // GitLab's object_attributes.action
  open: "open",
  reopen: "open",
  update: "update",
  close: "close",
  merge: "close",
};

/** The pull request in a payload, or why it is not one a preview can come from. */
export function parsePullRequest(forge: Forge, payload: unknown): PullRequestEvent | string {
  const p = obj(payload);
  if (Object.keys(p).length === 0) return "the body is not a JSON object";
  let forgeAction: string;
  let number: number;
  let title: string;
  let branch: string;
  let sha: string;
  let repositoryUrls: string[];
  let fromFork: boolean;
  let fullName: string;
  if (forge === "gitlab") {
    const mr = obj(p.object_attributes);
    const project = obj(p.project);
    forgeAction = str(mr.action);
    number = Number(mr.iid);
    title = str(mr.title);
    branch = str(mr.source_branch);
    sha = str(obj(mr.last_commit).id);
    repositoryUrls = strings(project.git_http_url, project.git_ssh_url, project.web_url);
    fullName = str(project.path_with_namespace);
    fromFork = mr.source_project_id !== undefined && mr.source_project_id !== mr.target_project_id;
  } else {
    const pr = obj(p.pull_request);
    const head = obj(pr.head);
    const base = obj(pr.base);
    const baseRepo = obj(base.repo ?? p.repository);
    const headRepo = obj(head.repo);
    forgeAction = str(p.action);
    number = Number(p.number ?? pr.number);
    title = str(pr.title);
    branch = str(head.ref);
    sha = str(head.sha);
    repositoryUrls = strings(
      baseRepo.clone_url,
      baseRepo.ssh_url,
      baseRepo.git_url,
      baseRepo.html_url,
      obj(p.repository).clone_url,
    );
    fullName = str(baseRepo.full_name);
    // A head repository that is not the base one (GitHub and Gitea name both by owner/name).
    fromFork = str(headRepo.full_name) !== "" && str(headRepo.full_name) !== str(baseRepo.full_name);
  }
  if (repositoryUrls.length === 0) return "the payload names no repository";
  if (!Number.isSafeInteger(number) || number < 1) return "the payload has no pull request number";
  if (!branch) return "the payload has no head branch";
  if (!shaPattern.test(sha)) return "the payload's head commit is not a SHA";
  return {
    action: actions[forgeAction] ?? "other",
    forgeAction,
    number,
    title: title.slice(0, 512),
    branch: branch.slice(0, 255),
    sha,
    repositoryUrls: [...new Set(repositoryUrls)],
    fullName,
    fromFork,
  };
}

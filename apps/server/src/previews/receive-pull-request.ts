import type { Kysely } from "kysely";
import { gitSourceOf } from "../git/git-source.js";
import type { Database, PreviewTable } from "../store/schema.js";
import { repositoryKey } from "../webhooks/push-event.js";
import type { Forge } from "../webhooks/verify-delivery.js";
import { previewAppName } from "./preview-names.js";
import { branchMatches, type PreviewSettings, previewSettingsOf } from "./preview-settings.js";
import { findPreview, openPreview } from "./preview-store.js";
import type { PullRequestEvent } from "./pull-request-event.js";

/** What the server does to previews; the webhook decides which. */
export interface PreviewActions {
  /** Builds, deploys and releases the preview's head; returns the build job's id. */
  ship(preview: PreviewTable, fullName: string): Promise<string>;
  close(preview: PreviewTable, reason: string): Promise<void>;
  canBuild(): boolean;
}

export interface PullRequestOutcome {
  status: number;
  outcome: "accepted" | "ignored" | "rejected";
  reason: string;
  builds: { app: string; jobId: string }[];
}

/**
 * Acts on a verified pull/merge request event: opened, reopened or pushed to → (re)build the preview of every
 * app of the project that builds from the repository and has a preview block whose branches match; closed or
 * merged → close those previews. A fork's PR is ignored, with why, unless the app's preview says forks = true.
 */
export async function receivePullRequest(
  db: Kysely<Database>,
  actions: PreviewActions,
  project: string,
  forge: Forge,
  pr: PullRequestEvent,
): Promise<PullRequestOutcome> {
  const answer = (
    status: number,
    outcome: PullRequestOutcome["outcome"],
    reason: string,
    builds: PullRequestOutcome["builds"] = [],
  ) => ({ status, outcome, reason, builds });
  const keys = new Set(pr.repositoryUrls.map(repositoryKey));
  const apps = (
    await db
      .selectFrom("applications")
      .select(["name", "config_json"])
      .where("project", "=", project)
      .where("deleted_at", "is", null)
      .orderBy("name")
      .execute()
  ).flatMap((a) => {
    try {
      const source = gitSourceOf(a.config_json);
      return source && keys.has(repositoryKey(source.url))
        ? [{ name: a.name, settings: previewSettingsOf(a.config_json) }]
        : [];
    } catch {
      return [];
    }
  });
  if (apps.length === 0)
    return answer(404, "rejected", `no app of project "${project}" builds from ${pr.repositoryUrls[0]}`);
  const previewed = apps.filter((a): a is { name: string; settings: PreviewSettings } => !!a.settings);
  if (previewed.length === 0)
    return answer(
      200,
      "ignored",
      `no app building from this repository has a preview block (${apps.map((a) => a.name).join(", ")})`,
    );
  const label = `pull request #${pr.number}`;
  if (pr.action === "other") return answer(200, "ignored", `${label}: "${pr.forgeAction}" is not acted on`);

  if (pr.action === "close") {
    const closed: string[] = [];
    for (const a of previewed) {
      const row = await findPreview(db, project, a.name, pr.number);
      if (!row || row.state === "closed") continue;
      await actions.close(row, `${label} ${pr.forgeAction === "merge" ? "merged" : "closed"}`);
      closed.push(row.preview_app);
    }
    return closed.length === 0
      ? answer(200, "ignored", `${label} closed; it had no open preview`)
      : answer(200, "accepted", `closed ${closed.join(", ")}`);
  }

  const why: string[] = [];
  const wanted = previewed.filter((a) => {
    if (pr.fromFork && !a.settings.forks) {
      why.push(`${a.name}: ${label} comes from a fork and its preview has forks = false`);
      return false;
    }
    if (a.settings.branches.length > 0 && !a.settings.branches.some((b) => branchMatches(b, pr.branch))) {
      why.push(`${a.name}: branch ${pr.branch} matches none of ${a.settings.branches.join(", ")}`);
      return false;
    }
    return true;
  });
  if (wanted.length === 0) return answer(200, "ignored", why.join("; "));
  if (!actions.canBuild())
    return answer(
      503,
      "rejected",
      "this server does not run the built-in runner that builds from git (builtinRunner is off)",
    );
  const builds: PullRequestOutcome["builds"] = [];
  for (const a of wanted) {
    const preview = await openPreview(db, {
      project,
      app: a.name,
      previewApp: previewAppName(a.name, pr.number),
      number: pr.number,
      forge,
      repository: pr.repositoryUrls[0]!.slice(0, 512),
      branch: pr.branch,
      sha: pr.sha,
      title: pr.title,
      expiresAt: a.settings.expireAfterMs > 0 ? Date.now() + a.settings.expireAfterMs : null,
    });
    builds.push({ app: preview.preview_app, jobId: await actions.ship(preview, pr.fullName) });
  }
  return answer(202, "accepted", why.join("; "), builds);
}

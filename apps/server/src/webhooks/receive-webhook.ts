import type { Kysely } from "kysely";
import { gitSourceOf } from "../git/git-source.js";
import type { ShipCommitInput } from "../git/ship-commit.js";
import { isPullRequestEvent, parsePullRequest } from "../previews/pull-request-event.js";
import { type PreviewActions, receivePullRequest } from "../previews/receive-pull-request.js";
import type { Database, WebhookDeliveryTable } from "../store/schema.js";
import { isPushEvent, parsePush, repositoryKey } from "./push-event.js";
import { deliveryHeaders, type Headers, verifyDelivery } from "./verify-delivery.js";
import { type DeliveryInput, findDelivered, getWebhookSecret, recordDelivery } from "./webhook-store.js";

/** What the endpoint answers, and whether it records the delivery (never for a project that does not exist). */
export interface WebhookAnswer {
  status: number;
  outcome: "accepted" | "ignored" | "rejected";
  reason: string;
  builds: { app: string; jobId: string }[];
}

export interface ReceiveWebhookDeps {
  db: Kysely<Database>;
  /** Starts build → deploy (→ release) of one app's commit; returns the build job's id. */
  ship(input: ShipCommitInput): Promise<string>;
  /** Whether this server runs the built-in runner that builds from git. */
  canBuild(): boolean;
  /** Replays and rejections are logged as well as recorded. */
  warn(fields: Record<string, unknown>, message: string): void;
  /** Pull/merge request events build and close previews through these; absent, they are ignored. */
  previews?: PreviewActions;
  /** A delivery was recorded (the dashboard shows it live). */
  recorded?(row: WebhookDeliveryTable): void;
}

// One delivery of a project at a time: a replay sent twice at once must see the first one's record.
const inFlight = new Map<string, Promise<unknown>>();

/**
 * Handles one request to `/webhooks/<project>`: verify it with the project's secret and its forge's scheme,
 * refuse replays by delivery id, and start a build of every app whose git source is the pushed repository
 * and tracks the pushed branch. Every delivery to an existing project is recorded with its outcome.
 */
export function receiveWebhook(
  deps: ReceiveWebhookDeps,
  project: string,
  headers: Headers,
  body: Buffer,
): Promise<WebhookAnswer> {
  const before = inFlight.get(project) ?? Promise.resolve();
  const run = before.then(
    () => handle(deps, project, headers, body),
    () => handle(deps, project, headers, body),
  );
  const settled = run.catch(() => undefined);
  inFlight.set(project, settled);
  void settled.then(() => {
    if (inFlight.get(project) === settled) inFlight.delete(project);
  });
  return run;
}

async function handle(
  deps: ReceiveWebhookDeps,
  project: string,
  headers: Headers,
  body: Buffer,
): Promise<WebhookAnswer> {
  const { db } = deps;
  const exists = await db
    .selectFrom("projects")
    .select("name")
    .where("name", "=", project)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!exists) return { status: 404, outcome: "rejected", reason: `no project "${project}"`, builds: [] };
  const { forge, event, deliveryId } = deliveryHeaders(headers);
  const base: Omit<DeliveryInput, "outcome" | "reason" | "status_code"> = {
    project,
    forge,
    delivery_id: deliveryId.slice(0, 128),
    event: event.slice(0, 128),
    repository: "",
    ref: "",
    sha: "",
  };
  const answer = async (
    status: number,
    outcome: WebhookAnswer["outcome"],
    reason: string,
    extra: Partial<DeliveryInput> = {},
  ): Promise<WebhookAnswer> => {
    const builds = extra.builds ?? [];
    deps.recorded?.(
      await recordDelivery(db, { ...base, ...extra, outcome, reason, status_code: status, builds }),
    );
    if (outcome === "rejected" || reason.startsWith("replayed"))
      deps.warn({ project, forge, deliveryId, status }, `webhook ${outcome}: ${reason}`);
    return { status, outcome, reason, builds };
  };

  if (!forge)
    return answer(400, "rejected", "not a GitHub, GitLab, Gitea or Forgejo webhook (no event header)");
  const secret = await getWebhookSecret(db, project);
  if (!secret)
    return answer(401, "rejected", `project "${project}" has no webhook secret (berth webhooks secret)`);
  const refused = verifyDelivery(forge, headers, body, secret.secret);
  if (refused) return answer(401, "rejected", refused);
  if (!deliveryId) return answer(400, "rejected", "no delivery id header: a replay could not be told apart");
  const first = await findDelivered(db, project, forge, base.delivery_id);
  if (first)
    return answer(
      200,
      "ignored",
      `replayed delivery ${deliveryId} (first received ${new Date(first.received_at).toISOString()})`,
    );
  const pullRequest = isPullRequestEvent(forge, event) && deps.previews !== undefined;
  if (!isPushEvent(forge, event) && !pullRequest)
    return answer(200, "ignored", `"${event}" events are not acted on`);

  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    return answer(
      400,
      "rejected",
      "the body is not JSON (set the webhook's content type to application/json)",
    );
  }
  if (pullRequest) {
    const pr = parsePullRequest(forge, payload);
    if (typeof pr === "string") return answer(400, "rejected", pr);
    const got = await receivePullRequest(db, deps.previews!, project, forge, pr);
    return answer(got.status, got.outcome, got.reason, {
      repository: pr.repositoryUrls[0]!.slice(0, 512),
      ref: `refs/heads/${pr.branch}`.slice(0, 255),
      sha: pr.sha,
      builds: got.builds,
    });
  }
  const push = parsePush(forge, payload);
  if (typeof push === "string") return answer(400, "rejected", push);
  const pushed = {
    repository: push.repositoryUrls[0]!.slice(0, 512),
    ref: push.ref.slice(0, 255),
    sha: push.sha,
  };

  const keys = new Set(push.repositoryUrls.map(repositoryKey));
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
      return source && keys.has(repositoryKey(source.url)) ? [{ name: a.name, source }] : [];
    } catch {
      return [];
    }
  });
  if (apps.length === 0)
    return answer(404, "rejected", `no app of project "${project}" builds from ${pushed.repository}`, pushed);
  if (push.deleted) return answer(200, "ignored", `${push.ref} was deleted`, pushed);
  const tracking = apps.filter((a) => a.source.ref === push.branch);
  if (!push.branch || tracking.length === 0)
    return answer(
      200,
      "ignored",
      `push to ${push.ref}; ${apps.map((a) => `${a.name} tracks ${a.source.ref}`).join(", ")}`,
      pushed,
    );
  if (!deps.canBuild())
    return answer(
      503,
      "rejected",
      "this server does not run the built-in runner that builds from git (builtinRunner is off)",
      pushed,
    );
  const builds: { app: string; jobId: string }[] = [];
  for (const a of tracking) {
    const jobId = await deps.ship({
      project,
      app: a.name,
      ref: push.branch,
      sha: push.sha,
      trigger: "webhook",
      actor: { tokenId: "", name: `${forge} webhook` },
      release: a.source.autoRelease,
      reason: `push of ${push.sha.slice(0, 7)} to ${push.branch}`,
    });
    builds.push({ app: a.name, jobId });
  }
  return answer(202, "accepted", "", { ...pushed, builds });
}

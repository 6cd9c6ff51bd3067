import {
  ConfigChangeSchema,
  ConfigService,
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  GitCommitSchema,
  GitInfoSchema,
  type ListCommitsBetweenRequest,
  type ReleaseRequest,
  ReleaseSchema,
  ReleaseService,
  ReleaseTargetSchema,
  type RollbackRequest,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { ReleaseDialog } from "./release-dialog.js";

const dep = (seq: number, sha: string, configRevision: number, status = DeploymentStatus.HEALTHY) =>
  create(DeploymentSchema, {
    id: `d${seq}`,
    project: "shop",
    app: "web",
    seq,
    status,
    configRevision,
    artifactDigest: `sha256:${seq}`,
    artifactSizeBytes: 1024n * 1024n,
    git: create(GitInfoSchema, { sha: sha.padEnd(40, "0"), message: `commit ${seq}` }),
  });

/** What the release RPCs do: answer, or lose the connection after the request (when `dropped` is set). */
interface ServerBehaviour {
  dropped?: ConnectError;
  /** The release the server reports afterwards; undefined while it is not answering. */
  latestSeq?: () => number | undefined;
}

function setup(
  mode: "release" | "rollback",
  target = dep(12, "9f8e7d6", 2),
  behaviour: ServerBehaviour = {},
) {
  const releases: ReleaseRequest[] = [];
  const rollbacks: RollbackRequest[] = [];
  const between: ListCommitsBetweenRequest[] = [];
  const commit = (n: number, subject: string) =>
    create(GitCommitSchema, { sha: `${n}`.repeat(40), subject, author: "Ada <ada@example.com>" });
  const transport = createRouterTransport(({ service }) => {
    service(DeploymentService, {
      listCommitsBetween(req) {
        between.push(req);
        // v14 → v12 goes back: two commits are removed.
        return { removed: [commit(3, "<img src=x onerror=alert(1)>"), commit(2, "add the cart")] };
      },
    });
    service(ReleaseService, {
      release(req) {
        releases.push(req);
        if (behaviour.dropped) throw behaviour.dropped;
        return { release: create(ReleaseSchema, { id: "r1" }) };
      },
      rollback(req) {
        rollbacks.push(req);
        if (behaviour.dropped) throw behaviour.dropped;
        return { release: create(ReleaseSchema, { id: "r2" }) };
      },
      listReleases() {
        const seq = behaviour.latestSeq?.();
        if (seq === undefined) throw new ConnectError("fetch failed", Code.Unavailable);
        const targets = [create(ReleaseTargetSchema, { seq, weight: 100 })];
        return { releases: [create(ReleaseSchema, { id: "r9", seq: 9, targets })] };
      },
    });
    service(ConfigService, {
      diffConfigRevisions: () => ({
        changes: [
          create(ConfigChangeSchema, {
            name: "GREETING",
            change: "changed",
            oldValue: "hi",
            newValue: "hello",
          }),
        ],
      }),
    });
  });
  const onClose = vi.fn();
  renderWithApp(
    <ReleaseDialog
      mode={mode}
      open
      onClose={onClose}
      project="shop"
      app="web"
      target={target}
      current={dep(14, "a1b2c3d", 3)}
    />,
    { transport, path: "/", pattern: "/" },
  );
  return { releases, rollbacks, between, onClose };
}

describe("ReleaseDialog", () => {
  it("names exactly what changes, including the config differences", async () => {
    setup("release");
    expect(screen.getByTestId("release-summary").textContent).toBe("web: v14 (a1b2c3d) → v12 (9f8e7d6)");
    expect(await screen.findByText("GREETING")).toBeTruthy();
    expect(screen.getByText(/^Code and config/)).toBeTruthy();
  });

  it("lists the commits between the two deployments, subjects as text", async () => {
    const { between } = setup("rollback");
    const list = await screen.findByRole("list", { name: "Commits removed" });
    expect(screen.getByText("2 commits removed:")).toBeTruthy();
    expect(between[0]).toMatchObject({ fromSeq: 14, toSeq: 12 });
    const items = list.querySelectorAll("li");
    expect(items[0]?.textContent).toContain("3333333<img src=x onerror=alert(1)>Ada");
    expect(list.querySelector("img")).toBeNull();
    expect(items[1]?.textContent).toContain("add the cart");
  });

  it("releases with the reason after confirmation", async () => {
    const { releases, onClose } = setup("release");
    fireEvent.change(screen.getByRole("textbox", { name: /reason/i }), { target: { value: "bad cart" } });
    fireEvent.click(screen.getByRole("button", { name: "Release v12" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({
      deploymentId: "d12",
      reason: "bad cart",
      canaryPercent: 0,
      force: false,
    });
    expect(releases[0]!.app).toMatchObject({ project: "shop", app: "web" });
  });

  it("sends a canary share from the slider and says so", async () => {
    const { releases } = setup("release");
    fireEvent.change(screen.getByRole("slider", { name: /canary/i }), { target: { value: "10" } });
    expect(screen.getByTestId("release-summary").textContent).toBe(
      "web: 10% → v12 (9f8e7d6), 90% stays on v14 (a1b2c3d)",
    );
    fireEvent.click(screen.getByRole("button", { name: "Send 10% to v12" }));
    await waitFor(() => expect(releases).toHaveLength(1));
    expect(releases[0]!.canaryPercent).toBe(10);
  });

  it("rolls back through the Rollback RPC", async () => {
    const { rollbacks } = setup("rollback");
    fireEvent.click(screen.getByRole("button", { name: "Roll back to v12" }));
    await waitFor(() => expect(rollbacks).toHaveLength(1));
  });

  it("needs an explicit force for an unhealthy deployment", async () => {
    const { releases } = setup("release", dep(12, "9f8e7d6", 3, DeploymentStatus.UNHEALTHY));
    const confirm = screen.getByRole("button", { name: "Release v12" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.click(screen.getByRole("checkbox", { name: /release it anyway/i }));
    fireEvent.click(confirm);
    await waitFor(() => expect(releases).toHaveLength(1));
    expect(releases[0]!.force).toBe(true);
  });

  it("says a release's outcome is unknown after a dropped connection, with the release the server reports", async () => {
    const { releases, onClose } = setup("release", undefined, {
      dropped: new ConnectError("fetch failed", Code.Unavailable),
      latestSeq: () => 12,
    });
    fireEvent.click(screen.getByRole("button", { name: "Release v12" }));
    const notice = await screen.findByTestId("release-outcome-unknown");
    await waitFor(() => expect(notice.textContent).toContain("Outcome unknown — current release is v12"));
    expect(notice.textContent).toContain("The connection dropped after the release was sent");
    expect(screen.queryByText(/Release v12 failed/)).toBeNull();
    expect(releases).toHaveLength(1);
    expect(onClose).not.toHaveBeenCalled();
  });

  it("keeps asking for the current release while the server is not answering", async () => {
    let answering = false;
    setup("rollback", undefined, {
      dropped: new ConnectError("upstream connection lost", Code.Unknown),
      latestSeq: () => (answering ? 14 : undefined),
    });
    fireEvent.click(screen.getByRole("button", { name: "Roll back to v12" }));
    const notice = await screen.findByTestId("release-outcome-unknown");
    await waitFor(() => expect(notice.textContent).toContain("the server is not answering yet"));
    answering = true;
    await waitFor(() => expect(notice.textContent).toContain("Outcome unknown — current release is v14"), {
      timeout: 10_000,
    });
  });

  it("shows a refusal from the server as a failure, not as an unknown outcome", async () => {
    setup("release", undefined, {
      dropped: new ConnectError("v12 is not healthy", Code.FailedPrecondition),
      latestSeq: () => 14,
    });
    fireEvent.click(screen.getByRole("button", { name: "Release v12" }));
    expect(await screen.findByText(/Release v12 failed/)).toBeTruthy();
    expect(screen.queryByTestId("release-outcome-unknown")).toBeNull();
  });
});

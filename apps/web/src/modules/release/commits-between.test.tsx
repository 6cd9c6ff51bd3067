import { DeploymentService, GitCommitSchema, type ListCommitsBetweenResponseSchema } from "@berth/proto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { CommitsBetween } from "./commits-between.js";

const commits = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    create(GitCommitSchema, {
      sha: `${String(i + 1).padStart(7, "0")}${"f".repeat(33)}`,
      subject: `change ${i + 1}`,
      author: "Ada <ada@example.com>",
      commitTime: timestampFromMs(Date.now() - 3 * 60_000),
    }),
  );

function show(answer: MessageInitShape<typeof ListCommitsBetweenResponseSchema> | ConnectError) {
  const transport = createRouterTransport(({ service }) => {
    service(DeploymentService, {
      listCommitsBetween() {
        if (answer instanceof ConnectError) throw answer;
        return answer;
      },
    });
  });
  renderWithApp(<CommitsBetween project="shop" app="web" fromSeq={1} toSeq={2} />, {
    transport,
    path: "/",
    pattern: "/",
  });
}

describe("CommitsBetween", () => {
  it("shows at most 20 commits with their SHA, subject, author and age, and counts the rest", async () => {
    show({ added: commits(25) });
    const list = await screen.findByRole("list", { name: "Commits added" });
    expect(screen.getByText("25 commits added:")).toBeTruthy();
    expect(list.querySelectorAll("li")).toHaveLength(20);
    expect(list.querySelector("li")?.textContent).toBe("0000001change 1Ada3 min. ago");
    expect(screen.getByText("and 5 more")).toBeTruthy();
  });

  it("lists both sides of diverged histories", async () => {
    show({ added: commits(1), removed: commits(2) });
    expect(await screen.findByText("1 commit added:")).toBeTruthy();
    expect(screen.getByText("2 commits removed:")).toBeTruthy();
  });

  it.each([
    [{}, "Same commit."],
    [{ historyMissing: true }, "No commit history recorded for these deployments."],
    [{ unrelated: true }, "Unrelated histories: the two commits share no ancestor."],
    [{ truncated: true }, "No common commit within the last 200 recorded commits: too far apart to list."],
  ])("says why there is no list: %o", async (answer, text) => {
    show(answer);
    expect(await screen.findByText(text)).toBeTruthy();
  });

  it("shows the server's error with a retry", async () => {
    show(new ConnectError("deployment v2 of shop/web not found", Code.NotFound));
    expect((await screen.findByRole("alert")).textContent).toContain("deployment v2 of shop/web not found");
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
  });
});

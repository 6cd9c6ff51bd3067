import { describe, expect, it } from "vitest";
import { isPullRequestEvent, parsePullRequest } from "./pull-request-event.js";

const sha = "a".repeat(40);

describe("pull request events", () => {
  it("knows each forge's event name", () => {
    expect(isPullRequestEvent("github", "pull_request")).toBe(true);
    expect(isPullRequestEvent("gitea", "pull_request")).toBe(true);
    expect(isPullRequestEvent("gitlab", "Merge Request Hook")).toBe(true);
    expect(isPullRequestEvent("github", "push")).toBe(false);
  });

  it("reads a GitHub pull_request, a fork by its head repository", () => {
    const payload = (head: string, action = "opened") => ({
      action,
      number: 7,
      pull_request: {
        title: "Add login",
        head: { ref: "feature/login", sha, repo: { full_name: head } },
        base: {
          ref: "main",
          repo: { full_name: "acme/shop", clone_url: "https://github.com/acme/shop.git" },
        },
      },
    });
    expect(parsePullRequest("github", payload("acme/shop"))).toEqual({
      action: "open",
      forgeAction: "opened",
      number: 7,
      title: "Add login",
      branch: "feature/login",
      sha,
      repositoryUrls: ["https://github.com/acme/shop.git"],
      fullName: "acme/shop",
      fromFork: false,
    });
    expect(parsePullRequest("github", payload("mallory/shop"))).toMatchObject({ fromFork: true });
    expect(parsePullRequest("github", payload("acme/shop", "synchronize"))).toMatchObject({
      action: "update",
    });
    expect(parsePullRequest("gitea", payload("acme/shop", "synchronized"))).toMatchObject({
      action: "update",
    });
    expect(parsePullRequest("github", payload("acme/shop", "closed"))).toMatchObject({ action: "close" });
    expect(parsePullRequest("github", payload("acme/shop", "labeled"))).toMatchObject({ action: "other" });
  });

  it("reads a GitLab merge request, merge as a close", () => {
    const mr = (action: string, source = 1) => ({
      object_attributes: {
        iid: 3,
        action,
        title: "t",
        source_branch: "fix",
        last_commit: { id: sha },
        source_project_id: source,
        target_project_id: 1,
      },
      project: { git_http_url: "https://gitlab.example.com/acme/shop.git" },
    });
    expect(parsePullRequest("gitlab", mr("open"))).toMatchObject({
      action: "open",
      number: 3,
      branch: "fix",
    });
    expect(parsePullRequest("gitlab", mr("merge"))).toMatchObject({ action: "close" });
    expect(parsePullRequest("gitlab", mr("open", 9))).toMatchObject({ fromFork: true });
  });

  it("says why a payload is not a pull request", () => {
    expect(parsePullRequest("github", [])).toBe("the body is not a JSON object");
    expect(parsePullRequest("github", { action: "opened", repository: { clone_url: "x" } })).toBe(
      "the payload has no pull request number",
    );
  });
});

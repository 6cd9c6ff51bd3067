import { describe, expect, it } from "vitest";
import { isPushEvent, parsePush, repositoryKey } from "./push-event.js";

const sha = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";

describe("parsePush", () => {
  it("reads GitHub's and Gitea's push", () => {
    const push = parsePush("github", {
      ref: "refs/heads/main",
      after: sha,
      repository: { clone_url: "https://github.com/acme/shop.git", ssh_url: "git@github.com:acme/shop.git" },
    });
    expect(push).toEqual({
      repositoryUrls: ["https://github.com/acme/shop.git", "git@github.com:acme/shop.git"],
      ref: "refs/heads/main",
      branch: "main",
      sha,
      deleted: false,
    });
  });

  it("reads GitLab's push from project, and sees a deleted branch and a tag", () => {
    const push = parsePush("gitlab", {
      ref: "refs/tags/v1",
      after: "0".repeat(40),
      project: { git_http_url: "https://gitlab.example.com/acme/shop.git" },
    });
    expect(push).toMatchObject({ branch: "", deleted: true });
  });

  it("says why a payload is not a push it can use", () => {
    expect(parsePush("github", [])).toBe("the body is not a JSON object");
    expect(parsePush("github", { ref: "refs/heads/main", after: sha })).toBe(
      "the payload names no repository",
    );
    expect(parsePush("github", { ref: "refs/heads/main", after: "HEAD", repository: { url: "x" } })).toBe(
      "the payload's after is not a commit SHA",
    );
  });

  it("knows each forge's push event name", () => {
    expect(isPushEvent("github", "push")).toBe(true);
    expect(isPushEvent("gitea", "push")).toBe(true);
    expect(isPushEvent("gitlab", "Push Hook")).toBe(true);
    expect(isPushEvent("github", "pull_request")).toBe(false);
    expect(isPushEvent("gitlab", "push")).toBe(false);
  });
});

describe("repositoryKey", () => {
  it("makes clone, SSH and web URLs of one repository equal", () => {
    const key = "github.com/acme/shop";
    expect(repositoryKey("https://github.com/acme/shop.git")).toBe(key);
    expect(repositoryKey("https://GitHub.com/acme/shop/")).toBe(key);
    expect(repositoryKey("git@github.com:acme/shop.git")).toBe(key);
    expect(repositoryKey("ssh://git@github.com:22/acme/shop.git")).toBe(key);
    expect(repositoryKey("https://x-access-token:t@github.com/acme/shop")).toBe(key);
    expect(repositoryKey("file:///srv/git/shop.git")).toBe("/srv/git/shop");
  });

  it("keeps other repositories apart", () => {
    expect(repositoryKey("https://github.com/acme/shop")).not.toBe(
      repositoryKey("https://github.com/acme/shop2"),
    );
    expect(repositoryKey("https://github.com/acme/shop")).not.toBe(
      repositoryKey("https://gitlab.com/acme/shop"),
    );
  });
});

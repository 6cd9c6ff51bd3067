import { GitInfoSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { GitDetails } from "./git-details.js";

describe("GitDetails", () => {
  it("lists the commit's SHA, branch, author and message as term/definition pairs", () => {
    const git = create(GitInfoSchema, {
      sha: "0123456789abcdef0123456789abcdef01234567",
      branch: "main",
      author: "Ada",
      message: "first",
    });
    render(
      <dl>
        <GitDetails git={git} shaLabel="Commit" />
      </dl>,
    );
    expect(screen.getAllByRole("term").map((t) => t.textContent)).toEqual([
      "Commit",
      "Branch",
      "Author",
      "Message",
    ]);
    expect(
      screen
        .getAllByRole("definition")
        .slice(1)
        .map((d) => d.textContent),
    ).toEqual(["main", "Ada", "first"]);
  });

  it("shows a dash for what a build without git lacks", () => {
    render(
      <dl>
        <GitDetails git={undefined} shaLabel="SHA" />
      </dl>,
    );
    expect(screen.getByText("no git")).toBeDefined();
    expect(screen.getAllByText("—")).toHaveLength(3);
  });
});

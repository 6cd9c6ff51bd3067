import { describe, expect, it } from "vitest";
import { type ChainCommit, type CommitChain, commitsBetween } from "./commits-between.js";

/** A chain of single-letter commits, newest first: chain("cba", "root") is c → b → a (a root). */
const chain = (shas: string, end: CommitChain["end"] = "root"): CommitChain => ({
  commits: [...shas].map(
    (sha, i): ChainCommit => ({
      sha,
      parentSha: shas[i + 1] ?? (end === "root" ? "" : "?"),
      author: "Ada",
      subject: `commit ${sha}`,
      commitTimeMs: null,
    }),
  ),
  end,
});
const shas = (cs: ChainCommit[]) => cs.map((c) => c.sha).join("");

describe("commitsBetween", () => {
  it("lists nothing for the same commit", () => {
    const r = commitsBetween("c", chain("cba"), "c", chain("cba"));
    expect(r).toEqual({ added: [], removed: [], truncated: false, unrelated: false, historyMissing: false });
  });

  it("lists the commits added going forward, and removed going back", () => {
    const forward = commitsBetween("b", chain("ba"), "e", chain("edcba"));
    expect([shas(forward.added), shas(forward.removed)]).toEqual(["edc", ""]);
    const back = commitsBetween("e", chain("edcba"), "b", chain("ba"));
    expect([shas(back.added), shas(back.removed)]).toEqual(["", "edc"]);
  });

  it("works back from a commit that was never recorded when the other side's history holds it", () => {
    const back = commitsBetween("e", chain("edcba"), "b", { commits: [], end: "missing" });
    expect(shas(back.removed)).toBe("edc");
  });

  it("splits diverged histories at their nearest common commit", () => {
    const r = commitsBetween("e", chain("edcba"), "y", chain("yxcba"));
    expect([shas(r.added), shas(r.removed)]).toEqual(["yx", "ed"]);
  });

  it("says why nothing links two histories", () => {
    expect(commitsBetween("b", chain("ba"), "y", chain("yx")).unrelated).toBe(true);
    expect(commitsBetween("b", chain("ba", "bound"), "y", chain("yx")).truncated).toBe(true);
    expect(commitsBetween("b", chain("ba", "missing"), "y", chain("yx")).historyMissing).toBe(true);
    expect(commitsBetween("", chain(""), "y", chain("yx")).historyMissing).toBe(true);
  });
});

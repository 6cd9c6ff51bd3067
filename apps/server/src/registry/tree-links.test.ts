import { describe, expect, it } from "vitest";
import { resolveInTree, type TreeEntry, unsafeLinks } from "./tree-links.js";

/** `a/l1 -> ..`, `a/l2 -> l1/..`, … `a/l<n> -> l<n-1>/..`: each link climbs one level higher than the last. */
function climbingChain(n: number): TreeEntry[] {
  const out: TreeEntry[] = [{ path: "a/l1", kind: "symlink", target: ".." }];
  for (let i = 2; i <= n; i++) out.push({ path: `a/l${i}`, kind: "symlink", target: `l${i - 1}/..` });
  return out;
}

describe("resolveInTree", () => {
  it("follows links component by component, as the kernel does", () => {
    const links = new Map([
      ["a/l1", ".."],
      ["a/l2", "l1/.."],
      ["b/up", "../a"],
    ]);
    expect(resolveInTree("a/l1", links)).toEqual({ inside: true, path: "" });
    expect(resolveInTree("b/up/x", links)).toEqual({ inside: true, path: "a/x" });
    // Textually "a/l1/.." is "a"; really it is the root's parent.
    expect(resolveInTree("a/l2", links)).toEqual({ inside: false, why: "escapes" });
    expect(resolveInTree("loop", new Map([["loop", "loop"]]))).toEqual({ inside: false, why: "loops" });
  });
});

describe("unsafeLinks", () => {
  it("refuses a chain of links that climbs out even though each link's text stays inside", () => {
    const entries = [...climbingChain(11), { path: "a/l11/etc/passwd", kind: "other" as const }];
    const problems = unsafeLinks(entries, 20);
    expect(problems).toContain('symlink "a/l2" -> "l1/.." resolves outside the tree');
    expect(problems).toContain('symlink "a/l11" -> "l10/.." resolves outside the tree');
    expect(problems).toContain('path "a/l11/etc/passwd" resolves outside the tree');
    expect(problems).not.toContain('symlink "a/l1" -> ".." resolves outside the tree');
  });

  it("refuses hard links through an escaping symlink, absolute links and loops; accepts links that stay inside", () => {
    expect(
      unsafeLinks([
        { path: "a/up", kind: "symlink", target: ".." },
        { path: "up2", kind: "symlink", target: "a/up/.." },
        { path: "h", kind: "hardlink", target: "up2/etc/passwd" },
        { path: "abs", kind: "symlink", target: "/etc" },
        { path: "x", kind: "symlink", target: "y" },
        { path: "y", kind: "symlink", target: "x" },
      ]),
    ).toEqual([
      'symlink "up2" -> "a/up/.." resolves outside the tree',
      'hard link "h" -> "up2/etc/passwd" resolves outside the tree',
      'symlink "abs" -> "/etc" resolves outside the tree',
      'symlink "x" -> "y" is a symlink loop',
      'symlink "y" -> "x" is a symlink loop',
    ]);
    expect(
      unsafeLinks([
        { path: "node_modules/.bin/tsc", kind: "symlink", target: "../typescript/bin/tsc" },
        { path: "current", kind: "symlink", target: "releases/v2" },
        { path: "dangling", kind: "symlink", target: "not-built-yet" },
        { path: "h", kind: "hardlink", target: "server.js" },
      ]),
    ).toEqual([]);
  });
});

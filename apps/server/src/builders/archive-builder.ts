import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ulid } from "ulid";
import type { Builder, BuildInput, BuiltArtifact } from "./builder.js";
import { checkListedLinks, checkTreeLinks } from "./check-tree-links.js";
import { copyFiles, listAllFiles } from "./copy-tree.js";
import {
  type BorrowedNodeModules,
  borrowNodeModules,
  nodeModulesKey,
  saveNodeModules,
  withoutInstallSteps,
} from "./node-modules-cache.js";
import { listTree, packDirectory } from "./pack-directory.js";
import { removeLater } from "./remove-later.js";
import { runCommand } from "./run-command.js";

/**
 * The `archive` builder: a clean copy of the working tree's files, the app's build command run in it
 * (node_modules reused by lockfile hash), packed as a reproducible, content-addressed tar.gz.
 */
export function createArchiveBuilder(): Builder {
  return { name: "archive", build: buildArchive };
}

async function buildArchive(input: BuildInput): Promise<BuiltArtifact> {
  const { output, signal } = input;
  const dir = join(input.workDir, `build-${ulid()}`);
  await mkdir(dir, { recursive: true });
  let borrowed: BorrowedNodeModules | undefined;
  try {
    output.step("copy", "Copy source files");
    for (const note of input.notes ?? []) output.line("stderr", note);
    const files = input.files ?? (await listAllFiles(input.sourceDir, ["node_modules", ".git"]));
    const shipped = files.filter((f) => !f.startsWith("node_modules/") && !f.startsWith(".git/"));
    await checkTreeLinks(input.sourceDir, shipped, "the source tree");
    const count = await copyFiles(input.sourceDir, dir, shipped);
    output.stepDone("copy", `${count} files`);

    const fullCommand = typeof input.options.command === "string" ? input.options.command : "";
    let command = fullCommand;
    const key = fullCommand ? await nodeModulesKey(dir) : undefined;
    if (key) {
      output.step("cache", "Restore node_modules");
      borrowed = await borrowNodeModules(input.cacheDir, key, dir);
      const hit = borrowed !== undefined;
      if (hit) command = withoutInstallSteps(command);
      output.stepDone("cache", hit ? `hit ${key.slice(0, 12)}` : "miss");
    }
    if (command) {
      output.step("command", `Run ${command}`);
      await runCommand(command, dir, input.env, output, signal);
      output.stepDone("command");
    }

    output.step("pack", "Pack artifact");
    signal.throwIfAborted();
    // The build command may have made links of its own: refuse them here rather than at the push.
    const tree = await listTree(dir);
    await checkListedLinks(dir, tree, "the built app");
    const artifact = await packDirectory(dir, join(input.workDir, "artifacts"), tree);
    // Only once packed: the cache and the build share files, and nothing may write into them any more.
    const returned = await borrowed?.giveBack();
    borrowed = undefined;
    if (returned === false)
      output.line("stderr", "the build wrote into node_modules files in place: their cached copy is dropped");
    if (key)
      await saveNodeModules(input.cacheDir, key, dir).catch((err: Error) =>
        output.line(
          "stderr",
          `warning: node_modules not cached (${err.message}); the next build installs again`,
        ),
      );
    output.stepDone("pack", `${artifact.digest.slice(0, 19)} ${artifact.sizeBytes} bytes`);
    return artifact;
  } finally {
    // A failed build gives the cache back too, when it left the files as it found them.
    await borrowed?.giveBack().catch(() => undefined);
    await removeLater(dir, input.workDir);
  }
}

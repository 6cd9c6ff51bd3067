import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type Docker from "dockerode";
import { unpackArchive } from "../../registry/safe-unpack.js";
import type { DeploymentSpec } from "../platform.js";

async function fileDigest(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** `berth/<project>-<app>:<digest>`: the same artifact with the same entrypoint on the same base image is the same image. */
export async function imageTagOf(
  spec: DeploymentSpec,
  baseImage: string,
  entrypointDir: string,
): Promise<string> {
  const entrypoint = await fileDigest(join(entrypointDir, "berth-entrypoint.js"));
  const digest = createHash("sha256")
    .update(`${await fileDigest(spec.artifactPath)}\n${entrypoint}\n${baseImage}`)
    .digest("hex");
  return `berth/${spec.project}-${spec.app}:${digest.slice(0, 16)}`;
}

/**
 * The part of node-pty the entrypoint loads for a terminal (`berth exec -t`, the browser terminal): its JS and
 * its N-API addon, built on this host (Linux, glibc). Without it, exec without a TTY and logs still work.
 */
async function copyNodePty(entrypointDir: string, to: string): Promise<void> {
  let from: string;
  try {
    // Where the entrypoint itself finds it (the repo's node_modules, or next to a standalone bundle).
    const require = createRequire(join(entrypointDir, "berth-entrypoint.js"));
    from = dirname(require.resolve("node-pty/package.json"));
  } catch {
    return;
  }
  const addon = join(from, "build", "Release", "pty.node");
  if (!existsSync(addon)) return;
  await cp(join(from, "package.json"), join(to, "package.json"));
  await cp(join(from, "lib"), join(to, "lib"), { recursive: true });
  await cp(addon, join(to, "build", "Release", "pty.node"));
}

function dockerfile(baseImage: string): string {
  // The entrypoint runs the app (`sh -c <command>`, the container's Cmd) and dials the server outbound.
  // The app comes last: the layers before it are the same for every build of every app on this base image,
  // so the engine's build cache makes them once and each build adds only the app's layer.
  return [
    `FROM ${baseImage}`,
    "COPY berth/ /berth/",
    "WORKDIR /app",
    'ENTRYPOINT ["node", "/berth/berth-entrypoint.js", "--"]',
    "COPY app/ /app/",
    "",
  ].join("\n");
}

/**
 * The deployment's image: the base image, the unpacked artifact at /app and the entrypoint bundle as the
 * ENTRYPOINT. Built once per tag through the Engine API from a context made here (no docker CLI).
 */
export async function ensureImage(
  docker: Docker,
  spec: DeploymentSpec,
  opts: { baseImage: string; entrypointDir: string; workDir: string },
): Promise<string> {
  const tag = await imageTagOf(spec, opts.baseImage, opts.entrypointDir);
  const existing = await docker
    .getImage(tag)
    .inspect()
    .catch(() => undefined);
  if (existing) return tag;
  await mkdir(opts.workDir, { recursive: true });
  const context = await mkdtemp(join(opts.workDir, "docker-build-"));
  try {
    await unpackArchive(spec.artifactPath, join(context, "app"));
    await cp(opts.entrypointDir, join(context, "berth"), { recursive: true });
    await copyNodePty(opts.entrypointDir, join(context, "berth", "node_modules", "node-pty"));
    await writeFile(join(context, "Dockerfile"), dockerfile(opts.baseImage));
    const stream = await docker.buildImage(
      { context, src: ["Dockerfile", "app", "berth"] },
      { t: tag, rm: true, forcerm: true, labels: { "berth.project": spec.project, "berth.app": spec.app } },
    );
    const output = await new Promise<{ error?: string; errorDetail?: { message?: string } }[]>(
      (resolve, reject) =>
        docker.modem.followProgress(stream, (err, res) => (err ? reject(err) : resolve(res))),
    );
    const failed = output.find((o) => o.error || o.errorDetail);
    if (failed)
      throw new Error(
        `building the image on "${opts.baseImage}" failed: ${failed.errorDetail?.message ?? failed.error}`,
      );
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return tag;
}

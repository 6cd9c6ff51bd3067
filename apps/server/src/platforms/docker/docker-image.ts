import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type Docker from "dockerode";
import { unpackArchive } from "../../registry/safe-unpack.js";
import type { DeploymentSpec } from "../platform.js";

async function fileDigest(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** `berth/<project>-<app>:<digest>`: the same artifact on the same base image is the same image. */
export async function imageTagOf(spec: DeploymentSpec, baseImage: string): Promise<string> {
  const digest = createHash("sha256")
    .update(`${await fileDigest(spec.artifactPath)}\n${baseImage}`)
    .digest("hex");
  return `berth/${spec.project}-${spec.app}:${digest.slice(0, 16)}`;
}

function dockerfile(baseImage: string): string {
  // The entrypoint runs the app (`sh -c <command>`, the container's Cmd) and dials the server outbound.
  return [
    `FROM ${baseImage}`,
    "COPY app/ /app/",
    "COPY berth/ /berth/",
    "WORKDIR /app",
    'ENTRYPOINT ["node", "/berth/berth-entrypoint.js", "--"]',
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
  const tag = await imageTagOf(spec, opts.baseImage);
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

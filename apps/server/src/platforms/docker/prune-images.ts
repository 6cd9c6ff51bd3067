import type Docker from "dockerode";
import type { DeploymentSpec } from "../platform.js";

/** How many of an app's built images stay on the engine as a cache when berth.hcl does not say. */
export const defaultKeepImages = 3;

/** berth.hcl `keep_images`: the cache of an app's images beyond those in use (the CLI checked it). */
export function keepImagesOf(spec: DeploymentSpec): number {
  const n = Number(spec.options?.keep_images ?? defaultKeepImages);
  return Number.isInteger(n) && n >= 0 ? n : defaultKeepImages;
}

/**
 * Removes the images Berth built for one app beyond the `keep` most recent, except those in use: by a container
 * on the engine (running or not: Docker would refuse anyway) or named in `inUse` (the images of the live
 * deployments, and of deploys still starting their containers). Returns the tags removed.
 */
export async function pruneImages(
  docker: Docker,
  app: { project: string; app: string },
  keep: number,
  inUse: ReadonlySet<string>,
): Promise<string[]> {
  const repo = `berth/${app.project}-${app.app}`;
  const [images, containers] = await Promise.all([
    docker.listImages({
      filters: JSON.stringify({ label: [`berth.project=${app.project}`, `berth.app=${app.app}`] }),
    }),
    docker.listContainers({ all: true }),
  ]);
  const used = new Set([...inUse, ...containers.flatMap((c) => [c.Image, c.ImageID])]);
  const ours = images
    .map((i) => ({ ...i, tags: (i.RepoTags ?? []).filter((t) => t.startsWith(`${repo}:`)) }))
    .filter((i) => i.tags.length > 0)
    .sort((a, b) => b.Created - a.Created);
  const removed: string[] = [];
  for (const image of ours.slice(keep)) {
    if (used.has(image.Id) || image.tags.some((t) => used.has(t))) continue;
    for (const tag of image.tags) {
      // Removing its last tag deletes the image and the build's intermediate layers under it.
      const gone = await docker
        .getImage(tag)
        .remove()
        .then(
          () => true,
          (err: { statusCode?: number }) => {
            // 409: a container made meanwhile (or another server's) uses it; 404: removed meanwhile.
            if (err.statusCode === 409 || err.statusCode === 404) return false;
            throw err;
          },
        );
      if (gone) removed.push(tag);
    }
  }
  return removed;
}

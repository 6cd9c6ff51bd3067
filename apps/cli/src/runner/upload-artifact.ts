import { createReadStream } from "node:fs";
import { ArtifactService } from "@berth/proto";
import type { ApiClient } from "../client/create-api-client.js";

const chunkSize = 512 * 1024;

/** Pushes an artifact to the server registry unless it is already there. Returns whether it was deduplicated. */
export async function uploadArtifact(
  api: ApiClient,
  artifact: { digest: string; sizeBytes: number; path: string },
  signal?: AbortSignal,
): Promise<{ deduplicated: boolean }> {
  const client = api.client(ArtifactService);
  const has = await client.hasArtifact({ digest: artifact.digest }, { signal });
  if (has.present) return { deduplicated: true };
  async function* messages() {
    yield { digest: artifact.digest, sizeBytes: BigInt(artifact.sizeBytes) };
    for await (const chunk of createReadStream(artifact.path, { highWaterMark: chunkSize }))
      yield { chunk: chunk as Buffer };
  }
  const res = await client.uploadArtifact(messages(), { signal });
  return { deduplicated: res.deduplicated };
}

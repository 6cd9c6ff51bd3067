import type { ArtifactService } from "@berth/proto";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { engineOf } from "../lifecycle/engine.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.ArtifactService: the server registry (content-addressed, verified, deduplicated). */
export function createArtifactService(ctx: ServerContext): ServiceImpl<typeof ArtifactService> {
  const store = () => engineOf(ctx).artifacts;
  return {
    async uploadArtifact(requests, hctx) {
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done)
        throw new ConnectError(
          "upload is empty: the first message carries digest and size_bytes",
          Code.InvalidArgument,
        );
      const { digest, sizeBytes } = first.value;
      if (!digest)
        throw new ConnectError("digest: required on the first upload message", Code.InvalidArgument);
      async function* chunks() {
        if (first.value && first.value.chunk.byteLength > 0) yield first.value.chunk;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          if (next.value.digest && next.value.digest !== digest)
            throw new ConnectError("digest: set it on the first message only", Code.InvalidArgument);
          yield next.value.chunk;
        }
      }
      const r = await store().receive(digest, Number(sizeBytes), chunks(), hctx.signal);
      return { digest: r.digest, sizeBytes: BigInt(r.sizeBytes), deduplicated: r.deduplicated };
    },
    async *downloadArtifact(req) {
      const has = await store().has(req.digest);
      if (!has.present) throw new ConnectError(`artifact ${req.digest} not found`, Code.NotFound);
      for await (const chunk of store().open(req.digest)) yield { chunk: chunk as Uint8Array };
    },
    async hasArtifact(req) {
      const has = await store().has(req.digest);
      return { present: has.present, sizeBytes: BigInt(has.sizeBytes) };
    },
  };
}

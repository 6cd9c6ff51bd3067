import { ReplicaService } from "@berth/proto";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { issueToken } from "../auth/tokens.js";
import type { ServerContext } from "../server-context.js";

/** How long a replica's own token lives; a new one is minted once half of it is gone. */
const tokenTtlMs = 12 * 60 * 60 * 1000;

/** The other replicas' ReplicaService, called with this replica's own replica token. */
export interface ReplicaPeers {
  /** A client of the replica answering at `apiUrl` (one HTTP/2 connection per replica, reused). */
  client(apiUrl: string): Client<typeof ReplicaService>;
}

/**
 * Clients of the other replicas. This replica's token is of kind `replica` (it may call ReplicaService's Forward*
 * methods and nothing else: least privilege, never an admin token), minted by this replica into the shared store
 * on first use, stored hashed, expiring, and revoked when the replica stops. No secret is shared between replicas:
 * each verifies the other's token against the store.
 */
export function createReplicaPeers(ctx: ServerContext): ReplicaPeers {
  interface Held {
    secret: string;
    renewAt: number;
  }
  let held: Held | undefined;
  let minting: Promise<Held> | undefined;
  const minted: string[] = [];
  const current = async (): Promise<Held> => {
    if (held && held.renewAt > Date.now()) return held;
    minting ??= issueToken(ctx.store.db, {
      kind: "replica",
      name: `replica ${ctx.replicaId}`,
      ttlMs: tokenTtlMs,
    })
      .then((t) => {
        minted.push(t.info.id);
        held = { secret: t.secret, renewAt: Date.now() + tokenTtlMs / 2 };
        return held;
      })
      .finally(() => {
        minting = undefined;
      });
    return minting;
  };
  const withReplicaToken: Interceptor = (next) => async (req) => {
    req.header.set("authorization", `Bearer ${(await current()).secret}`);
    return next(req);
  };
  const clients = new Map<string, Client<typeof ReplicaService>>();
  const connections: Http2SessionManager[] = [];
  ctx.onClose(async () => {
    // Forwarded streams end with this replica; its connections to the others must not outlive it.
    for (const c of connections) c.abort();
    if (minted.length === 0) return;
    await ctx.store.db
      .updateTable("tokens")
      .set({ revoked_at: Date.now() })
      .where("id", "in", minted)
      .where("revoked_at", "is", null)
      .execute()
      .catch((err: unknown) => ctx.logger.warn({ err }, "revoking this replica's token failed"));
  });
  return {
    client(apiUrl) {
      let c = clients.get(apiUrl);
      if (!c) {
        const sessionManager = new Http2SessionManager(apiUrl);
        connections.push(sessionManager);
        c = createClient(
          ReplicaService,
          createGrpcTransport({ baseUrl: apiUrl, sessionManager, interceptors: [withReplicaToken] }),
        );
        clients.set(apiUrl, c);
      }
      return c;
    },
  };
}

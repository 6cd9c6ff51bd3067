import { Code, ConnectError, createContextKey } from "@connectrpc/connect";

/** One open stream's hold on its token: its signal aborts when the token is revoked or expires. */
export interface TokenStream {
  readonly signal: AbortSignal;
  /** Unregisters the stream (it ended by itself). */
  close(): void;
  /**
   * Moves the stream under a renewed token (an entrypoint session renews its own): from then on it ends
   * with the new token, not with the old one's expiry or revocation.
   */
  handOver(tokenId: string, expiresAt?: number | null): void;
}

/** The hold of the streaming call being handled, for handlers that renew their caller's token. */
export const tokenStreamKey = createContextKey<TokenStream | undefined>(undefined, {
  description: "the token hold of a streaming call",
});

/**
 * The streams open under each token, so revoking a token (or its expiry) ends them at once instead of
 * at their next request: the auth interceptor opens one per streaming call, `revokeToken` ends them.
 */
export interface TokenStreams {
  /** Registers a stream of `tokenId`; `expiresAt` (ms since epoch) ends it when the token expires. */
  open(tokenId: string, expiresAt?: number | null): TokenStream;
  /** Ends every open stream of these tokens with Unauthenticated "token revoked". */
  revoke(tokenIds: readonly string[]): void;
  /** How many streams are open (all tokens). */
  readonly size: number;
}

// setTimeout fires at once for delays past 2^31-1 ms (about 24.8 days): longer waits are re-armed.
const maxTimerMs = 2 ** 31 - 1;

/** Creates the registry of one server. */
export function createTokenStreams(): TokenStreams {
  const byToken = new Map<string, Set<AbortController>>();
  let size = 0;
  const end = (tokenId: string, reason: ConnectError) => {
    const set = byToken.get(tokenId);
    if (!set) return;
    byToken.delete(tokenId);
    size -= set.size;
    for (const ac of set) ac.abort(reason);
  };
  return {
    open(firstTokenId, firstExpiresAt) {
      const ac = new AbortController();
      let tokenId = firstTokenId;
      let expiresAt = firstExpiresAt;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        if (expiresAt === undefined || expiresAt === null) return;
        const left = expiresAt - Date.now();
        if (left <= 0) {
          close();
          ac.abort(new ConnectError("token expired", Code.Unauthenticated));
          return;
        }
        timer = setTimeout(arm, Math.min(left, maxTimerMs));
        timer.unref();
      };
      const register = () => {
        const set = byToken.get(tokenId) ?? new Set();
        byToken.set(tokenId, set);
        set.add(ac);
        size++;
      };
      const close = () => {
        clearTimeout(timer);
        const mine = byToken.get(tokenId);
        if (!mine?.delete(ac)) return;
        size--;
        if (mine.size === 0) byToken.delete(tokenId);
      };
      ac.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
      register();
      arm();
      return {
        signal: ac.signal,
        close,
        handOver(nextTokenId, nextExpiresAt) {
          if (ac.signal.aborted) return;
          close();
          tokenId = nextTokenId;
          expiresAt = nextExpiresAt;
          register();
          arm();
        },
      };
    },
    revoke(tokenIds) {
      for (const id of tokenIds) end(id, new ConnectError("token revoked", Code.Unauthenticated));
    },
    get size() {
      return size;
    },
  };
}

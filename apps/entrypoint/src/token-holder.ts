import type { Interceptor } from "@connectrpc/connect";

/** The entrypoint's current token; the server renews it over the session before it expires. */
export interface TokenHolder {
  secret: string;
  expiresAtMs: number;
}

/** Adds the current token as a Bearer header to every call. */
export function createTokenInterceptor(holder: TokenHolder): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${holder.secret}`);
    return next(req);
  };
}

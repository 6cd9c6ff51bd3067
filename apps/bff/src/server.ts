import type { FastifyInstance } from "fastify";
import type { BffOptions } from "./bff-options.js";
import { buildBff } from "./build-bff.js";

export interface StartBffOptions extends BffOptions {
  /** 9700 in production; 0 picks a free port. */
  port: number;
  host: string;
  /** How long close() waits for in-flight requests before dropping connections (default 5 s). */
  shutdownGraceMs?: number;
}

/** A listening BFF. */
export interface RunningBff {
  /** Where it listens, e.g. http://127.0.0.1:9700. */
  url: string;
  fastify: FastifyInstance;
  /** Stops accepting, ends streams and sockets, drops sessions; resolves when all is closed. */
  close(): Promise<void>;
}

/** Builds the BFF and listens; this module owns the listening socket, app.ts never does. */
export async function startBff(options: StartBffOptions): Promise<RunningBff> {
  const fastify = await buildBff(options);
  try {
    await fastify.listen({ port: options.port, host: options.host });
  } catch (err) {
    await fastify.close();
    throw err;
  }
  const address = fastify.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    fastify,
    close() {
      closing ??= (async () => {
        // Streams end promptly on close (see the gateway); a client that leaves a socket half-open
        // must not hold shutdown hostage, so whatever is left after the grace period is dropped.
        const force = setTimeout(() => fastify.server.closeAllConnections(), options.shutdownGraceMs ?? 5000);
        try {
          await fastify.close();
        } finally {
          clearTimeout(force);
        }
      })();
      return closing;
    },
  };
}

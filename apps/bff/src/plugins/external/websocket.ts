import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Largest WebSocket message accepted: a big paste arrives in chunks well below this. */
export const maxWebSocketMessageBytes = 1024 * 1024;

/** WebSocket upgrades (the terminal bridge); open sockets are closed with the BFF. */
export default fp(
  async (fastify: FastifyInstance) => {
    await fastify.register(websocket, { options: { maxPayload: maxWebSocketMessageBytes } });
  },
  { name: "websocket" },
);

import { STATUS_CODES } from "node:http";
import type { FastifyReply } from "fastify";

/** Replies with Fastify's error shape ({statusCode, error, message}) and a message a person can act on. */
export function replyError(reply: FastifyReply, statusCode: number, message: string): FastifyReply {
  return reply
    .code(statusCode)
    .header("cache-control", "no-store")
    .send({ statusCode, error: STATUS_CODES[statusCode] ?? "Error", message });
}

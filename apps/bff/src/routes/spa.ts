import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { replyError } from "./reply-error.js";

/** Paths that belong to the API, never to the SPA. */
const apiPrefixes = ["/api/", "/auth/", "/healthz", "/metrics"];

function isSpaNavigation(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const path = request.url.split("?")[0] ?? "/";
  if (path === "/api" || path === "/auth" || apiPrefixes.some((p) => path.startsWith(p))) return false;
  return true;
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Berth</title></head>
<body><h1>The dashboard is not built</h1>
<p>Build it with <code>npm run build -w @berth/web</code> and restart the BFF (or set BERTH_WEB_DIST), or run the
Vite dev server with <code>npm run dev -w @berth/web</code>, which proxies /api and /auth here.</p></body></html>
`;

/**
 * Serves the built SPA: hashed files under /assets/ are cached for a year (their names change with
 * their content), everything else — index.html above all — is revalidated on every load. Unknown
 * non-API paths get index.html so client-side routes survive a reload.
 */
export default async function spaRoutes(fastify: FastifyInstance) {
  const dist = fastify.config.webDistDir ? resolve(fastify.config.webDistDir) : undefined;
  const built = dist !== undefined && existsSync(join(dist, "index.html"));
  if (dist && !built)
    fastify.log.warn({ dist }, "no index.html in the web dist directory; serving the API only");

  if (built) {
    await fastify.register(fastifyStatic, {
      root: dist,
      wildcard: true,
      index: ["index.html"],
      // apps/web's build writes .br/.gz siblings; they cut the first load's JS download by about 70 %.
      preCompressed: true,
      cacheControl: false,
      etag: true,
      lastModified: true,
      setHeaders(res, path) {
        const immutable = path.startsWith(join(dist, "assets"));
        res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      },
    });
  }

  fastify.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isSpaNavigation(request)) {
      return replyError(reply, 404, `no route ${request.method} ${request.url.split("?")[0]}`);
    }
    // Missing static files (a stale hashed asset, a typo'd image) are real 404s, not the SPA.
    if (/\.[a-z0-9]{1,8}$/i.test(request.url.split("?")[0] ?? "")) {
      return replyError(reply, 404, `no file ${request.url.split("?")[0]}`);
    }
    if (!built) return reply.code(404).type("text/html; charset=utf-8").send(notBuiltPage);
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}

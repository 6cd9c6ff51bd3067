import { setTimeout as sleep } from "node:timers/promises";
import type { ServerContext } from "../server-context.js";
import type { RouteFeed } from "./route-feed.js";

/** Longest a release waits for its route table: a slow rebuild delays routers, never the release itself. */
const settleBoundMs = 2_000;

const feeds = new WeakMap<ServerContext, RouteFeed>();

/** Registers the route feed of a server (the engine does, when it creates it). */
export function setRouteFeed(ctx: ServerContext, feed: RouteFeed): void {
  feeds.set(ctx, feed);
}

/**
 * Waits until the route table reflects every change so far, so a release that returned is what the embedded
 * router serves and what every connected router has been sent.
 */
export async function routesSettled(ctx: ServerContext): Promise<void> {
  const feed = feeds.get(ctx);
  if (!feed) return;
  const bound = new AbortController();
  await Promise.race([
    feed.settled(),
    sleep(settleBoundMs, undefined, { signal: bound.signal }).catch(() => {}),
  ]);
  bound.abort();
}

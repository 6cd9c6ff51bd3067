// The failover transport against real gRPC servers (HTTP/2 on loopback, port 0), each a JobService that counts
// the calls it received: a read, a change (QueueJob, not declared idempotent) and a server stream.
import { EventEmitter, once } from "node:events";
import { createServer, type Http2Server, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { JobService, JobState } from "@berth/proto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { createFailoverTransport } from "./failover-transport.js";

interface Replica {
  url: string;
  calls: string[];
  /** Emits "call" as each call arrives. */
  events: EventEmitter;
  close(): Promise<void>;
}

/** A JobService on a free port; `answer` decides each call's fate (by default: answered). */
async function startReplica(
  name: string,
  answer: (method: string) => "ok" | "unavailable" | "hang" = () => "ok",
): Promise<Replica> {
  const calls: string[] = [];
  const events = new EventEmitter();
  const fate = async (method: string, signal: AbortSignal) => {
    calls.push(method);
    events.emit("call");
    const what = answer(method);
    if (what === "unavailable") throw new ConnectError(`${name} is shutting down`, Code.Unavailable);
    if (what === "hang") await once(signal, "abort");
  };
  const server: Http2Server = createServer(
    connectNodeAdapter({
      routes(router) {
        router.service(JobService, {
          async getJob(req, ctx) {
            await fate("getJob", ctx.signal);
            return { job: { id: `${req.id}@${name}`, state: JobState.SUCCESS } };
          },
          async queueJob(_req, ctx) {
            await fate("queueJob", ctx.signal);
            return { job: { id: `queued@${name}` } };
          },
          async *getJobStream(req, ctx) {
            yield { job: { id: `${req.id}@${name}` } };
            await fate("getJobStream", ctx.signal);
            yield { job: { id: `${req.id}@${name}`, state: JobState.SUCCESS } };
          },
        });
      },
    }),
  );
  const sessions = new Set<Http2Session>();
  server.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    events,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Clients keep their HTTP/2 sessions open: end them, or close() waits for them.
        for (const session of sessions) session.destroy();
      }),
  };
}

/** An address nothing listens on: a port that was free a moment ago. */
async function deadAddress(): Promise<string> {
  const r = await startReplica("gone");
  await r.close();
  return r.url;
}

const open: Replica[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => {});
});

function failover(addresses: string[]) {
  const moves: string[] = [];
  const transport = createFailoverTransport({
    addresses,
    transportFor: (baseUrl) => createGrpcTransport({ baseUrl }),
    backoff: { baseMs: 1, maxMs: 2 },
    onFailover: (from, to) => moves.push(`${from} -> ${to}`),
  });
  return { transport, moves, jobs: createClient(JobService, transport) };
}

describe("createFailoverTransport", () => {
  it("sends a read to the next address when the first refuses, and stays there", async () => {
    const dead = await deadAddress();
    const live = await startReplica("live");
    open.push(live);
    const { transport, moves, jobs } = failover([dead, live.url]);
    expect((await jobs.getJob({ id: "j1" })).job?.id).toBe("j1@live");
    expect(transport.address).toBe(live.url);
    expect(moves).toEqual([`${dead} -> ${live.url}`]);
    expect((await jobs.getJob({ id: "j2" })).job?.id).toBe("j2@live");
    expect(moves).toHaveLength(1);
  });

  it("sends a change the first address refused (never sent) to the next", async () => {
    const dead = await deadAddress();
    const live = await startReplica("live");
    open.push(live);
    const { jobs } = failover([dead, live.url]);
    expect((await jobs.queueJob({})).job?.id).toBe("queued@live");
    expect(live.calls).toEqual(["queueJob"]);
  });

  it("never sends a change the first server received again; a read it received, yes", async () => {
    const first = await startReplica("first", () => "unavailable");
    const second = await startReplica("second");
    open.push(first, second);
    const { transport, jobs } = failover([first.url, second.url]);
    const refused = await jobs.queueJob({}).catch((e: unknown) => ConnectError.from(e));
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.Unavailable);
    expect(first.calls).toEqual(["queueJob"]);
    expect(second.calls).toEqual([]);
    // The next call starts where the failure left it: on the second.
    expect(transport.address).toBe(second.url);

    const again = failover([first.url, second.url]);
    expect((await again.jobs.getJob({ id: "r" })).job?.id).toBe("r@second");
    expect(first.calls).toEqual(["queueJob", "getJob"]);
  });

  it("gives up after every address failed twice, with the last error", async () => {
    const a = await deadAddress();
    const b = await deadAddress();
    const { jobs, moves } = failover([a, b]);
    const err = await jobs.getJob({ id: "x" }).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(moves).toEqual([`${a} -> ${b}`, `${b} -> ${a}`, `${a} -> ${b}`, `${b} -> ${a}`]);
  });

  it("a stream that breaks moves the next opening to the next address", async () => {
    const first = await startReplica("first", (m) => (m === "getJobStream" ? "unavailable" : "ok"));
    const second = await startReplica("second");
    open.push(first, second);
    const { jobs } = failover([first.url, second.url]);
    const seen: string[] = [];
    await expect(async () => {
      for await (const res of jobs.getJobStream({ id: "s" })) seen.push(res.job!.id);
    }).rejects.toThrow(/first is shutting down/);
    expect(seen).toEqual(["s@first"]);
    for await (const res of jobs.getJobStream({ id: "s" })) seen.push(res.job!.id);
    expect(seen).toEqual(["s@first", "s@second", "s@second"]);
  });

  it("stays put when the caller cancels, and moves when the caller gives up on a silent server", async () => {
    const first = await startReplica("first", (m) => (m === "getJob" ? "hang" : "ok"));
    const second = await startReplica("second");
    open.push(first, second);
    const { transport, jobs } = failover([first.url, second.url]);
    const cancel = new AbortController();
    let arrived = once(first.events, "call");
    const cancelled = jobs.getJob({ id: "c" }, { signal: cancel.signal }).catch((e: unknown) => e);
    await arrived;
    cancel.abort();
    expect(ConnectError.from(await cancelled).code).toBe(Code.Canceled);
    expect(transport.address).toBe(first.url);

    const silent = new AbortController();
    arrived = once(first.events, "call");
    const abandoned = jobs.getJob({ id: "s" }, { signal: silent.signal }).catch((e: unknown) => e);
    await arrived;
    silent.abort(new ConnectError("the server went silent", Code.Unavailable));
    await abandoned;
    expect(transport.address).toBe(second.url);
  });
});

// connect-node vs grpc-js: the same proto (grpc.health.v1.Health) served by @connectrpc/connect-node (what Berth's
// server uses) and by @grpc/grpc-js, each in its own process, driven by one @grpc/grpc-js client; unary Check and
// server-streaming Watch, interleaved rounds (A B A B), requests/s and the server process's CPU per request.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { cpuMsOf } from "./lib/proc-cpu.js";
import { repoRoot } from "./lib/stack.js";
import { median, ratio, round } from "./lib/stats.js";

type Server = "connect" | "grpc-js";
type Kind = "unary" | "streaming";

/** One timed phase against one server. */
export interface PeerSample {
  /** Unary: calls/s; streaming: streamed messages/s. */
  perSecond: number;
  /** Server process CPU (utime + stime) per call or per streamed message, µs. */
  serverCpuUs: number;
  /** The driving client's CPU per call or message, µs (the same client for both servers). */
  clientCpuUs: number;
}

export interface GrpcPeerResult {
  method: string;
  rounds: number;
  seconds: number;
  concurrency: { unary: number; streaming: number };
  streamMessages: number;
  samples: Record<Kind, Record<Server, PeerSample[]>>;
  medians: Record<Kind, Record<Server, PeerSample>>;
  ratios: { unaryConnectToGrpcJs: number; streamingConnectToGrpcJs: number };
}

const serverScript = fileURLToPath(new URL("grpc-peer-server.ts", import.meta.url));
const protoDir = fileURLToPath(new URL("../../packages/proto/proto", import.meta.url));

async function startServer(kind: Server): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", serverScript, kind], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) =>
      resolve(JSON.parse(line).port as number),
    );
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code} before listening`)));
  });
  return { child, port };
}

type HealthClient = grpc.Client & {
  check(req: object, cb: (err: grpc.ServiceError | null) => void): void;
  watch(req: object): grpc.ClientReadableStream<object>;
};

function client(port: number): HealthClient {
  const def = protoLoader.loadSync("grpc/health/v1/health.proto", { includeDirs: [protoDir], enums: String });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  return new pkg.grpc.health.v1.Health(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as HealthClient;
}

/** Keeps `concurrency` calls in flight for `seconds`; returns how many calls (or messages) completed. */
async function drive(
  c: HealthClient,
  kind: Kind,
  concurrency: number,
  seconds: number,
  streamMessages: number,
) {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      if (kind === "unary")
        await new Promise<void>((res, rej) => c.check({ service: "" }, (e) => (e ? rej(e) : res())));
      else
        await new Promise<void>((res, rej) => {
          const s = c.watch({ service: `stream:${streamMessages}` });
          s.on("data", () => done++);
          s.on("end", res);
          s.on("error", rej);
        });
      if (kind === "unary") done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

async function phase(
  s: { child: ChildProcess; c: HealthClient },
  kind: Kind,
  concurrency: number,
  seconds: number,
  streamMessages: number,
): Promise<PeerSample> {
  const cpu0 = cpuMsOf(s.child.pid ?? 0);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await drive(s.c, kind, concurrency, seconds, streamMessages);
  const elapsed = (performance.now() - t0) / 1000;
  const clientUs = process.cpuUsage(client0);
  return {
    perSecond: Math.round(n / elapsed),
    serverCpuUs: round(((cpuMsOf(s.child.pid ?? 0) - cpu0) * 1000) / Math.max(1, n), 1),
    clientCpuUs: round((clientUs.user + clientUs.system) / Math.max(1, n), 1),
  };
}

const medianSample = (xs: PeerSample[]): PeerSample => ({
  perSecond: Math.round(median(xs.map((x) => x.perSecond))),
  serverCpuUs: round(median(xs.map((x) => x.serverCpuUs)), 1),
  clientCpuUs: round(median(xs.map((x) => x.clientCpuUs)), 1),
});

/** Runs the connect-node vs grpc-js figures (`quick`: one short round). */
export async function benchGrpcPeer(options: { quick: boolean }): Promise<GrpcPeerResult> {
  const rounds = options.quick ? 1 : 5;
  const seconds = options.quick ? 1 : 2;
  const concurrency = { unary: 32, streaming: 4 };
  const streamMessages = 1000;
  const servers = {} as Record<Server, { child: ChildProcess; c: HealthClient }>;
  try {
    for (const kind of ["connect", "grpc-js"] as Server[]) {
      const { child, port } = await startServer(kind);
      servers[kind] = { child, c: client(port) };
    }
    const samples: GrpcPeerResult["samples"] = {
      unary: { connect: [], "grpc-js": [] },
      streaming: { connect: [], "grpc-js": [] },
    };
    // Warm-up (JIT, connections), then A B A B.
    for (const kind of ["unary", "streaming"] as Kind[])
      for (const name of ["connect", "grpc-js"] as Server[])
        await phase(servers[name], kind, concurrency[kind], 1, streamMessages);
    for (let r = 0; r < rounds; r++)
      for (const kind of ["unary", "streaming"] as Kind[])
        for (const name of ["connect", "grpc-js"] as Server[])
          samples[kind][name].push(
            await phase(servers[name], kind, concurrency[kind], seconds, streamMessages),
          );
    const medians = {
      unary: {
        connect: medianSample(samples.unary.connect),
        "grpc-js": medianSample(samples.unary["grpc-js"]),
      },
      streaming: {
        connect: medianSample(samples.streaming.connect),
        "grpc-js": medianSample(samples.streaming["grpc-js"]),
      },
    };
    return {
      method:
        "grpc.health.v1.Health (packages/proto) served over h2c by @connectrpc/connect-node (http2.createServer + " +
        "connectNodeAdapter, gRPC protocol only) and by @grpc/grpc-js, each in its own Node process with the same " +
        "trivial handlers; one @grpc/grpc-js client in the bench process drives both. Unary: Check with " +
        `${concurrency.unary} calls in flight. Streaming: Watch streaming ${streamMessages} responses per call, ` +
        `${concurrency.streaming} calls in flight, counted per message. ${rounds} interleaved round(s) of ${seconds} s ` +
        "per server and kind (connect, grpc-js, connect, grpc-js, …) after a 1 s warm-up each; medians of the rounds. " +
        "CPU = the server process's utime + stime from /proc over the phase, divided by calls (or messages).",
      rounds,
      seconds,
      concurrency,
      streamMessages,
      samples,
      medians,
      ratios: {
        unaryConnectToGrpcJs: ratio(medians.unary.connect.perSecond, medians.unary["grpc-js"].perSecond),
        streamingConnectToGrpcJs: ratio(
          medians.streaming.connect.perSecond,
          medians.streaming["grpc-js"].perSecond,
        ),
      },
    };
  } finally {
    for (const s of Object.values(servers)) {
      s.c.close();
      s.child.kill();
    }
  }
}

import {
  type RunnerJobStreamRequest,
  type RunnerJobStreamResponse,
  RunnerJobStreamResponseSchema,
  type RunnerService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { ulid } from "ulid";
import { getCaller } from "../auth/caller.js";
import { toJobProto } from "../jobs/job-rows.js";
import { engineOf, jobTimeoutMs } from "../lifecycle/engine.js";
import { AsyncQueue } from "../runners/async-queue.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.RunnerService: runner agents and CLIs take jobs over one bidi stream. */
export function createRunnerService(ctx: ServerContext): ServiceImpl<typeof RunnerService> {
  return {
    async listRunners() {
      return { runners: await engineOf(ctx).hub.list() };
    },
    async *runnerJobStream(requests, hctx) {
      const engine = engineOf(ctx);
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done || first.value.msg.case !== "hello")
        throw new ConnectError("the first message on RunnerJobStream must be hello", Code.InvalidArgument);
      const hello = first.value.msg.value;
      const caller = getCaller(hctx);
      const kind = hello.kind === "cli" ? "cli" : "agent";
      if (caller.kind === "runner" && kind === "cli")
        throw new ConnectError(
          "a runner token registers agents; the CLI uses a login token",
          Code.PermissionDenied,
        );
      const id = ulid();
      const out = new AsyncQueue<RunnerJobStreamResponse>();
      const mine = new Set<string>();
      const send = (msg: RunnerJobStreamResponse["msg"]) =>
        out.push(create(RunnerJobStreamResponseSchema, { msg }));
      const disconnect = await engine.hub.connect({
        id,
        name: hello.name,
        kind,
        slots: 1,
        deliver: (job) => {
          mine.add(job.id);
          send({ case: "assignment", value: toJobProto(job) });
        },
        cancel: (jobId) => send({ case: "cancelJobId", value: jobId }),
      });
      const heartbeatMs = Math.max(200, Math.min(5000, Math.floor(jobTimeoutMs() / 3)));
      send({
        case: "registered",
        value: {
          $typeName: "berth.v1.RunnerJobStreamResponse.Registered",
          runnerId: id,
          heartbeatIntervalMs: heartbeatMs,
        },
      });

      const handle = async (req: RunnerJobStreamRequest) => {
        engine.hub.seen(id);
        const m = req.msg;
        if (m.case === "event" && mine.has(m.value.jobId) && m.value.event)
          await engine.queue.emitEvent(m.value.jobId, m.value.event);
        else if (m.case === "complete" && mine.has(m.value.jobId)) {
          mine.delete(m.value.jobId);
          await engine.queue.finish(m.value.jobId, { result: m.value.result, error: m.value.error });
          engine.hub.released(id, m.value.jobId);
        }
      };
      // Requests are read in the background; the response stream carries assignments and heartbeats.
      const reading = (async () => {
        try {
          for (;;) {
            const next = await iterator.next();
            if (next.done) break;
            await handle(next.value);
          }
        } catch (err) {
          ctx.logger.warn({ err, runner: hello.name }, "runner stream failed");
        } finally {
          out.close();
        }
      })();
      const beat = setInterval(() => send({ case: "heartbeat", value: timestampNow() }), heartbeatMs);
      const onAbort = () => out.close();
      // On a server stop too: the runner reconnects to the next server instead of holding this one open.
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      signal.addEventListener("abort", onAbort);
      try {
        for await (const msg of out) yield msg;
      } finally {
        clearInterval(beat);
        signal.removeEventListener("abort", onAbort);
        // Jobs still held fail through the watchdog once their heartbeats stop (the runner may be gone).
        disconnect();
        void reading;
      }
    },
  };
}

import { Writable } from "node:stream";
import { Health } from "@berth/proto/grpc/health";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createErrorInterceptor } from "./error-interceptor.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

describe("createErrorInterceptor", () => {
  it("hides unexpected errors behind an id and logs them in full", async () => {
    const { logger, lines } = capture();
    const transport = createRouterTransport(
      (router) =>
        router.service(Health, {
          check() {
            throw new Error("SQLITE_CORRUPT at /var/secret/berth.db");
          },
          // biome-ignore lint/correctness/useYield: fails before its first message on purpose
          async *watch() {
            throw new Error("stream broke at /var/secret");
          },
        }),
      { router: { interceptors: [createErrorInterceptor(logger)] } },
    );
    const client = createClient(Health, transport);
    const err = await client.check({}).then(
      () => {
        throw new Error("expected Check to fail");
      },
      (e: unknown) => ConnectError.from(e),
    );
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).not.toContain("secret");
    const id = err.rawMessage.match(/id (\w+)/)?.[1];
    expect(lines.find((l) => l.errorId === id)).toMatchObject({ method: "grpc.health.v1.Health/Check" });

    const streamed = client.watch({})[Symbol.asyncIterator]();
    await expect(streamed.next()).rejects.toMatchObject({ code: Code.Internal });
    expect(JSON.stringify(lines)).toContain("stream broke at /var/secret");
  });

  it("passes ConnectErrors through untouched", async () => {
    const { logger, lines } = capture();
    const transport = createRouterTransport(
      (router) =>
        router.service(Health, {
          check() {
            throw new ConnectError('unknown service "x"', Code.NotFound);
          },
        }),
      { router: { interceptors: [createErrorInterceptor(logger)] } },
    );
    await expect(createClient(Health, transport).check({})).rejects.toMatchObject({
      code: Code.NotFound,
      rawMessage: 'unknown service "x"',
    });
    expect(lines).toEqual([]);
  });
});

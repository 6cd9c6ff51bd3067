import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LightHeaders } from "./light-headers.js";

const bin = fileURLToPath(new URL("../bin/berth-entrypoint.js", import.meta.url));

/** Runs the same operations on Node's Headers and on LightHeaders and returns both results. */
function both<T>(op: (h: Headers) => T): [T, T] {
  return [op(new Headers()), op(new LightHeaders() as unknown as Headers)];
}

describe("LightHeaders", () => {
  it("behaves like Node's Headers for what connect does with headers", () => {
    const [a, b] = both((h) => {
      h.set("Content-Type", "application/grpc+proto");
      h.append("grpc-accept-encoding", "gzip");
      h.append("Grpc-Accept-Encoding", " br ");
      h.set("X-Drop", "1");
      h.delete("x-drop");
      const seen: string[] = [];
      h.forEach((v, k) => {
        seen.push(`${k}=${v}`);
      });
      return {
        seen,
        entries: [...h],
        get: h.get("content-type"),
        missing: h.get("nope"),
        has: h.has("GRPC-ACCEPT-ENCODING"),
      };
    });
    expect(b).toEqual(a);
    const init = { Te: "trailers", "user-agent": "x" };
    expect([...new LightHeaders(init)]).toEqual([...new Headers(init)]);
    expect([...new LightHeaders(new LightHeaders(init))]).toEqual([...new Headers(init)]);
    expect([
      ...new LightHeaders([
        ["a", "1"],
        ["a", "2"],
      ]),
    ]).toEqual([["a", "1, 2"]]);
  });

  it("refuses names and values that Headers refuses", () => {
    expect(() => new LightHeaders().set("bad name", "x")).toThrow(/invalid header name "bad name"/);
    expect(() => new LightHeaders().set("x", "a\r\nb")).toThrow(/invalid header value/);
  });

  it("keeps the entrypoint from loading undici once it talks gRPC", async () => {
    // A port nobody listens on: the session fails at connect, after connect built the request's headers.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const report = `data:text/javascript,process.on("exit",()=>process.stderr.write("undici-loaded="+process.moduleLoadList.some(m=>m.includes("undici"))+"\\n"))`;
    const child = spawn(process.execPath, ["--import", report, bin, "--", "sleep", "30"], {
      env: {
        PATH: process.env.PATH,
        BERTH_SERVER_ADDR: `http://127.0.0.1:${port}`,
        BERTH_INSTANCE_ID: "i-1",
        BERTH_DEPLOYMENT_ID: "d-1",
        BERTH_ENTRYPOINT_TOKEN: "t",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (d: Buffer) => {
        stderr += d;
        if (stderr.includes("session to the server failed")) resolve();
      });
      child.on("exit", () => reject(new Error(`entrypoint exited early: ${stderr}`)));
    });
    child.kill("SIGTERM");
    await exited;
    expect(stderr).toContain("undici-loaded=false");
  });
});

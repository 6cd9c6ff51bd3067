import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, WebSocket as WsClient } from "ws";
import { createExecSocket, type ExecSocketEvent } from "./exec-socket.js";

// A real WebSocket server on port 0 that records frames and plays the BFF's part of the protocol.
let server: WebSocketServer | undefined;
afterEach(async () => {
  for (const c of server?.clients ?? []) c.terminate();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function startServer(onConnection: (ws: import("ws").WebSocket) => void): Promise<string> {
  server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  server.on("connection", onConnection);
  await new Promise((resolve) => server!.once("listening", resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/exec`;
}

describe("createExecSocket over a real WebSocket", () => {
  it("sends the start frame first, then a 1 MB paste intact in ≤16 KiB frames, then resizes", async () => {
    const texts: string[] = [];
    const chunks: Buffer[] = [];
    let resized!: () => void;
    const gotResize = new Promise<void>((r) => (resized = r));
    const url = await startServer((ws) => {
      ws.on("message", (data, isBinary) => {
        if (isBinary) chunks.push(data as Buffer);
        else {
          texts.push(String(data));
          if (String(data).includes("resize")) resized();
        }
      });
    });
    const paste = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    const events: ExecSocketEvent[] = [];
    const socket = createExecSocket({
      url,
      start: { deploymentId: "d1", command: "sh", cols: 80, rows: 24 },
      onEvent: (e) => events.push(e),
      WebSocket: WsClient as unknown as typeof WebSocket,
    });
    socket.send(paste);
    await new Promise((r) => setTimeout(r, 0));
    socket.resize(120, 40);
    await gotResize;
    // Everything queued before the resize is written before it on the same socket.
    const received = Buffer.concat(chunks);
    expect(JSON.parse(texts[0]!)).toEqual({ deploymentId: "d1", command: "sh", cols: 80, rows: 24 });
    expect(received.length).toBe(paste.length);
    expect(received.equals(Buffer.from(paste))).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(16 * 1024);
    expect(JSON.parse(texts.at(-1)!)).toEqual({ type: "resize", cols: 120, rows: 40 });
    expect(events[0]).toEqual({ type: "open" });
    socket.close();
  });

  it("reports output, the exit code and the close", async () => {
    const url = await startServer((ws) => {
      ws.once("message", () => {
        ws.send(JSON.stringify({ type: "started", sessionId: "s1", instanceId: "i1" }));
        ws.send(Buffer.from("hello\r\n"));
        ws.send(JSON.stringify({ type: "exit", code: 3 }));
        ws.close(4003, "exited with 3");
      });
    });
    const events: ExecSocketEvent[] = [];
    const closed = new Promise<void>((resolve) => {
      createExecSocket({
        url,
        start: { deploymentId: "d1", command: "exit 3", cols: 80, rows: 24 },
        onEvent: (e) => {
          events.push(e);
          if (e.type === "closed") resolve();
        },
        WebSocket: WsClient as unknown as typeof WebSocket,
      });
    });
    await closed;
    expect(events.map((e) => e.type)).toEqual(["open", "started", "output", "exit", "closed"]);
    const output = events.find((e) => e.type === "output");
    expect(output?.type === "output" && new TextDecoder().decode(output.data)).toBe("hello\r\n");
    expect(events.find((e) => e.type === "exit")).toEqual({ type: "exit", code: 3, signal: undefined });
    expect(events.at(-1)).toMatchObject({ type: "closed", code: 4003 });
  });
});

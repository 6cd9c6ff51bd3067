/** The first text frame of a terminal session (see docs/terminal-protocol.md). */
export interface ExecStartFrame {
  deploymentId: string;
  instanceId?: string;
  command: string;
  cols: number;
  rows: number;
}

/** What the socket reports to the terminal view. */
export type ExecSocketEvent =
  | { type: "open" }
  | { type: "started"; sessionId?: string; instanceId?: string }
  | { type: "output"; data: Uint8Array }
  | { type: "exit"; code: number; signal?: string }
  | { type: "error"; message: string }
  | { type: "closed"; code: number; reason: string };

export interface ExecSocketOptions {
  /** Absolute ws(s):// URL, e.g. derived from location: `ws://host/api/exec`. */
  url: string;
  start: ExecStartFrame;
  onEvent: (event: ExecSocketEvent) => void;
  /** Injected for tests; the browser's WebSocket otherwise. */
  WebSocket?: typeof WebSocket;
}

export interface ExecSocket {
  /** Sends keystrokes or a paste; large input is chunked and paced by the socket's buffer. */
  send(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

const chunkSize = 16 * 1024;
// Above this many unsent bytes we wait before queueing more, so a 1 MB paste cannot flood the socket.
const highWater = 256 * 1024;

/** Parses a JSON control frame from the BFF; unknown or malformed frames become an "error" event. */
export function parseExecControlFrame(text: string): ExecSocketEvent | undefined {
  let frame: Record<string, unknown>;
  try {
    frame = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { type: "error", message: `unreadable control frame: ${text.slice(0, 80)}` };
  }
  switch (frame.type) {
    case "started":
      return {
        type: "started",
        sessionId: typeof frame.sessionId === "string" ? frame.sessionId : undefined,
        instanceId: typeof frame.instanceId === "string" ? frame.instanceId : undefined,
      };
    case "exit":
      return {
        type: "exit",
        code: Number(frame.code ?? frame.exitCode ?? 0),
        signal: typeof frame.signal === "string" && frame.signal ? frame.signal : undefined,
      };
    case "error":
      return { type: "error", message: String(frame.message ?? "terminal error") };
    case "stdout":
    case "output":
      return typeof frame.data === "string"
        ? { type: "output", data: new TextEncoder().encode(frame.data) }
        : undefined;
    default:
      // Heartbeats and future frame types need no action.
      return undefined;
  }
}

/** Opens a terminal session over the BFF's WebSocket: stdin/stdout as binary frames, control as JSON text. */
export function createExecSocket(options: ExecSocketOptions): ExecSocket {
  const WS = options.WebSocket ?? globalThis.WebSocket;
  const ws = new WS(options.url);
  ws.binaryType = "arraybuffer";
  const encoder = new TextEncoder();
  // Stdin chunks and control frames share one queue, so a resize never overtakes keystrokes typed before it
  // and nothing sent while the socket is still connecting is lost.
  const queue: Array<Uint8Array | string> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const pump = () => {
    timer = undefined;
    while (queue.length > 0 && ws.readyState === WS.OPEN && ws.bufferedAmount < highWater) {
      ws.send(queue.shift()!);
    }
    if (queue.length > 0 && ws.readyState <= WS.OPEN) timer = setTimeout(pump, 20);
  };

  ws.addEventListener("open", () => {
    ws.send(JSON.stringify(options.start));
    options.onEvent({ type: "open" });
    pump();
  });
  ws.addEventListener("message", (msg: MessageEvent) => {
    if (typeof msg.data === "string") {
      const event = parseExecControlFrame(msg.data);
      if (event) options.onEvent(event);
      return;
    }
    options.onEvent({ type: "output", data: new Uint8Array(msg.data as ArrayBuffer) });
  });
  ws.addEventListener("close", (ev: CloseEvent) => {
    if (timer) clearTimeout(timer);
    options.onEvent({ type: "closed", code: ev.code, reason: ev.reason });
  });

  return {
    send(data) {
      const bytes = typeof data === "string" ? encoder.encode(data) : data;
      for (let i = 0; i < bytes.length; i += chunkSize) queue.push(bytes.subarray(i, i + chunkSize));
      if (!timer) pump();
    },
    resize(cols, rows) {
      queue.push(JSON.stringify({ type: "resize", cols, rows }));
      if (!timer) pump();
    },
    close() {
      if (timer) clearTimeout(timer);
      ws.close(1000, "closed by user");
    },
  };
}

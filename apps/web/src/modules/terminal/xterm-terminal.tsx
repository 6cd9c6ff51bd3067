import "@xterm/xterm/css/xterm.css";
import { createExecSocket, type ExecSocket } from "@berth/api-client";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef } from "react";

export type TerminalStatus =
  | { state: "connecting" }
  | { state: "running"; instanceId?: string | undefined }
  | { state: "exited"; code: number; signal?: string | undefined }
  | { state: "closed"; reason: string }
  | { state: "error"; message: string };

export interface XtermTerminalProps {
  deploymentId: string;
  instanceId?: string | undefined;
  command: string;
  onStatus: (status: TerminalStatus) => void;
}

/** ws(s)://<this host>/api/exec: the BFF checks the session cookie and Origin on the upgrade. */
function execUrl(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/api/exec`;
}

const closeReasons: Record<number, string> = {
  4400: "the terminal request was not understood",
  4401: "you are signed out; sign in again",
  4403: "your role may not run commands",
  4404: "the instance is gone (not running, or it went away)",
  4408: "the connection went silent (keepalive timeout)",
  4500: "internal error in the BFF (see its log)",
  4502: "the Berth server is unreachable",
  1001: "the dashboard server is restarting",
  1006: "the connection dropped",
};

/** Words for a WebSocket close code from the BFF. */
export function closeReason(code: number, reason: string): string {
  return closeReasons[code] ?? (reason || `connection closed (${code})`);
}

/** xterm.js attached to a PTY through the BFF's WebSocket; sized to its panel and resized with it. */
export default function XtermTerminal({ deploymentId, instanceId, command, onStatus }: XtermTerminalProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const statusRef = useRef(onStatus);
  statusRef.current = onStatus;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const dark = document.documentElement.classList.contains("dark");
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "JetBrains Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: dark ? { background: "#09090b" } : { background: "#18181b" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    fit.fit();
    let exited = false;
    const socket: ExecSocket = createExecSocket({
      url: execUrl(),
      start: {
        deploymentId,
        ...(instanceId ? { instanceId } : {}),
        command,
        cols: term.cols,
        rows: term.rows,
      },
      onEvent: (ev) => {
        switch (ev.type) {
          case "started":
            statusRef.current({ state: "running", instanceId: ev.instanceId });
            term.focus();
            break;
          case "output":
            term.write(ev.data);
            break;
          case "exit":
            exited = true;
            statusRef.current({ state: "exited", code: ev.code, signal: ev.signal });
            break;
          case "error":
            term.write(`\r\n\u001b[31m${ev.message.replace(/\p{Cc}/gu, " ")}\u001b[0m\r\n`);
            statusRef.current({ state: "error", message: ev.message });
            break;
          case "closed":
            if (!exited)
              statusRef.current({ state: "closed", reason: ev.reason || `connection closed (${ev.code})` });
            break;
          default:
            break;
        }
      },
    });
    const dataSub = term.onData((data) => socket.send(data));
    const binarySub = term.onBinary((data) => socket.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    const resizeSub = term.onResize(({ cols, rows }) => socket.resize(cols, rows));
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // The panel is hidden (zero size): nothing to fit until it shows again.
      }
    });
    observer.observe(host);
    statusRef.current({ state: "connecting" });
    return () => {
      observer.disconnect();
      dataSub.dispose();
      binarySub.dispose();
      resizeSub.dispose();
      socket.close();
      term.dispose();
    };
  }, [deploymentId, instanceId, command]);

  return (
    <div
      ref={hostRef}
      data-testid="terminal"
      role="application"
      aria-label="Terminal"
      className="h-full min-h-80 w-full overflow-hidden rounded-lg bg-zinc-900 p-2"
    />
  );
}

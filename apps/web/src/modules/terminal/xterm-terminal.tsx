import "@xterm/xterm/css/xterm.css";
import { createExecSocket, type ExecSocket } from "@berth/api-client";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef } from "react";
import { createStatusTracker, type TerminalStatus } from "./terminal-status.js";

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
    const track = createStatusTracker();
    // A closed session's socket still reports its close after a Reconnect: it must not overwrite the new one.
    let disposed = false;
    const report = (status: TerminalStatus | undefined) => {
      if (status && !disposed) statusRef.current(status);
    };
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
        if (ev.type === "output") term.write(ev.data);
        if (ev.type === "error")
          term.write(`\r\n\u001b[31m${ev.message.replace(/\p{Cc}/gu, " ")}\u001b[0m\r\n`);
        if (ev.type === "started") term.focus();
        report(track(ev));
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
    report({ state: "connecting" });
    return () => {
      disposed = true;
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

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import type { Kubelet, PodObject } from "./kubelet.js";
import { type Reply, status } from "./status.js";

/** GET .../pods/<name>/log: the kept lines (tailLines, sinceTime, timestamps), then new ones with follow=true. */
export function serveLog(
  url: URL,
  pod: PodObject,
  kubelet: Kubelet,
  res: ServerResponse,
): Reply | "streamed" {
  const name = pod.metadata.name;
  const container = url.searchParams.get("container");
  if (container && container !== pod.spec.containers[0]?.name)
    return status(400, "BadRequest", `container ${container} is not valid for pod ${name}`);
  const rt = kubelet.logOf(pod.metadata.name);
  if (!rt)
    return status(
      400,
      "BadRequest",
      `container "${pod.spec.containers[0]?.name}" in pod "${name}" is waiting to start: ContainerCreating`,
    );
  const tail = url.searchParams.get("tailLines");
  const since = url.searchParams.get("sinceTime");
  const stampIt = url.searchParams.get("timestamps") === "true";
  const line = (l: { atMs: number; text: string }) =>
    `${stampIt ? `${new Date(l.atMs).toISOString()} ` : ""}${l.text}\n`;
  let lines = rt.log.filter((l) => !since || l.atMs >= Date.parse(since));
  if (tail !== null) lines = lines.slice(-Number(tail));
  res.writeHead(200, { "content-type": "text/plain" });
  for (const l of lines) res.write(line(l));
  if (url.searchParams.get("follow") !== "true") {
    res.end();
    return "streamed";
  }
  const follow = (l: { atMs: number; text: string }) => (l.atMs < 0 ? res.end() : res.write(line(l)));
  rt.followers.add(follow);
  res.on("close", () => rt.followers.delete(follow));
  return "streamed";
}

type ExecTarget = { pod: PodObject; command: string[]; tty: boolean };
type DoubleView = { authorized: boolean; pod: (namespace: string, name: string) => PodObject | undefined };

/** An exec request as the API server and the kubelet check it: what to run, or the Status refusing it. */
function checkExec(url: URL, double: DoubleView, kubelet: Kubelet): ExecTarget | Reply {
  if (!double.authorized) return status(401, "Unauthorized", "Unauthorized");
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
  if (!m) return status(404, "NotFound", "the server could not find the requested resource");
  const pod = double.pod(m[1]!, m[2]!);
  if (!pod) return status(404, "NotFound", `pods "${m[2]}" not found`);
  const q = url.searchParams;
  const command = q.getAll("command");
  if (command.length === 0) return status(400, "BadRequest", "you must specify at least 1 command");
  if (![q.get("stdin"), q.get("stdout"), q.get("stderr")].includes("true"))
    return status(400, "BadRequest", "you must specify at least 1 of stdin, stdout, stderr");
  const container = q.get("container");
  if (container && container !== pod.spec.containers[0]?.name)
    return status(400, "BadRequest", `container ${container} is not valid for pod ${m[2]}`);
  if (!kubelet.logOf(pod.metadata.name)) return status(400, "BadRequest", `pod ${m[2]} is not running`);
  return { pod, command, tty: q.get("tty") === "true" };
}

/**
 * The pod exec upgrade (GET .../pods/<name>/exec as a WebSocket): refused with a Status like the real server, or
 * upgraded and run by the kubelet (kubelet.ts).
 */
export function execUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  double: DoubleView,
  kubelet: Kubelet,
  wss: WebSocketServer,
): void {
  const target = checkExec(new URL(req.url ?? "/", "http://double"), double, kubelet);
  if ("code" in target) {
    const body = JSON.stringify(target.body);
    socket.end(
      `HTTP/1.1 ${target.code} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) =>
    kubelet.exec(ws, target.pod.metadata.name, target.command, target.tty),
  );
}

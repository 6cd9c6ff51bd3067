// A DOUBLE of the Nomad HTTP API for tests: no Nomad agent runs on the test machines, so this serves ONLY the
// endpoints the nomad platform calls, on 127.0.0.1 (port 0), and rejects what a real agent would: unknown JSON
// fields or wrong types in a job (400, Go's decoder words), invalid jobs (400, Nomad's multierror text), wrong
// methods (405), unknown jobs/allocations (404), a missing or wrong ACL token (403). Blocking queries follow
// Nomad's semantics (X-Nomad-Index, ?index=&wait=). Its "client" runs each allocation as a real child process
// (double-alloc.ts), so the router, probes, logs and exec reach real processes.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocketServer } from "ws";
import { freePort } from "../../../src/platforms/process/free-port.js";
import { DoubleAlloc, type DoubleCheck, type DoubleTask } from "./double-alloc.js";
import { execSession } from "./double-exec.js";
import { serveLogs } from "./double-logs.js";
import { decodeError, jobShape, multiError, validationErrors } from "./job-schema.js";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface StoredJob {
  job: Record<string, unknown> & { ID: string; Meta?: Record<string, string> };
  allocs: DoubleAlloc[];
  /** Raft index of the last change to the job's allocations (what its blocking queries wait on). */
  allocIndex: number;
  modifyIndex: number;
}

export interface NomadDouble {
  address: string;
  jobs: Map<string, StoredJob>;
  variables: Map<string, Record<string, string>>;
  /** Every request as "METHOD /path" (for asserting what the platform called). */
  requests: string[];
  /** Stops every allocation's process and the server. */
  close(): Promise<void>;
}

/** Starts the double; `token`: the ACL token every request must carry (X-Nomad-Token). */
export async function startNomadDouble(options: { token?: string } = {}): Promise<NomadDouble> {
  const jobs = new Map<string, StoredJob>();
  const variables = new Map<string, Record<string, string>>();
  const varIndex = new Map<string, number>();
  const requests: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "nomad-double-"));
  let index = 1;
  let waiters: (() => void)[] = [];
  const bump = () => {
    index++;
    const wake = waiters;
    waiters = [];
    for (const w of wake) w();
    return index;
  };

  const allocById = (id: string) => {
    for (const j of jobs.values()) for (const a of j.allocs) if (a.ID === id) return a;
    throw new HttpError(404, `alloc not found`);
  };

  function onAllocChange(alloc: DoubleAlloc): void {
    const stored = jobs.get(alloc.JobID);
    const i = bump();
    alloc.ModifyIndex = i;
    if (stored) stored.allocIndex = i;
  }

  async function register(body: unknown): Promise<unknown> {
    const job = (body as { Job?: Record<string, unknown> })?.Job;
    if (!job || typeof job !== "object") throw new HttpError(400, "Job must be specified");
    const decode = decodeError(
      body,
      { Job: jobShape, EnforceIndex: "bool", JobModifyIndex: "int" },
      "JobRegisterRequest",
    );
    if (decode) throw new HttpError(400, decode);
    const errors = validationErrors(job);
    if (errors.length > 0) throw new HttpError(400, multiError(errors));
    const id = String(job.ID);
    const group = (job.TaskGroups as Record<string, unknown>[])[0]!;
    const task = (group.Tasks as DoubleTask[])[0]!;
    const check = ((group.Services ?? []) as { Checks?: DoubleCheck[] }[])[0]?.Checks?.[0];
    const old = jobs.get(id);
    for (const a of old?.allocs ?? []) await a.stop();
    const ports = await Promise.all(Array.from({ length: Number(group.Count ?? 1) }, () => freePort()));
    // From here on synchronous: a blocking query sees the new job with all of its allocations or none of them.
    const stored: StoredJob = {
      job: job as StoredJob["job"],
      allocs: [],
      allocIndex: old?.allocIndex ?? 0,
      modifyIndex: bump(),
    };
    jobs.set(id, stored);
    ports.forEach((port, i) => {
      const allocId = randomUUID();
      const alloc = new DoubleAlloc(
        allocId,
        id,
        String(group.Name),
        i,
        task,
        check,
        port,
        join(dataDir, allocId),
        bump(),
        (path) => variables.get(path),
        onAllocChange,
      );
      stored.allocs.push(alloc);
      alloc.start();
    });
    stored.allocIndex = bump();
    return {
      EvalID: randomUUID(),
      EvalCreateIndex: index,
      JobModifyIndex: stored.modifyIndex,
      Warnings: "",
      Index: index,
    };
  }

  /** A blocking query: answers at once when `index` is behind the data, else on its next change or after `wait`. */
  async function blocking(query: URLSearchParams, current: () => number): Promise<void> {
    const min = Number(query.get("index") ?? 0);
    const waitMs = Math.min(parseWait(query.get("wait")), 10 * 60_000);
    const deadline = Date.now() + waitMs;
    while (current() <= min && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async function route(req: IncomingMessage, url: URL, res: ServerResponse): Promise<unknown> {
    const method = req.method ?? "GET";
    const path = url.pathname;
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) throw new HttpError(405, "Invalid method");
    };
    const ns = url.searchParams.get("namespace");
    if (ns && ns !== "default") throw new HttpError(400, `namespace "${ns}" not found`);
    const param = (re: RegExp) => {
      const m = re.exec(path);
      return m ? decodeURIComponent(m[1]!) : undefined;
    };
    if (path === "/v1/jobs") {
      allow("GET", "PUT", "POST");
      if (method === "GET")
        return [...jobs.values()].map(({ job, modifyIndex }) => ({
          ID: job.ID,
          Name: job.Name,
          Type: job.Type,
          Status: "running",
          Stop: false,
          ModifyIndex: modifyIndex,
          ...(url.searchParams.get("meta") === "true" && { Meta: job.Meta ?? null }),
        }));
      return register(await readJson(req));
    }
    const allocsOf = param(/^\/v1\/job\/([^/]+)\/allocations$/);
    if (allocsOf !== undefined) {
      allow("GET");
      const id = allocsOf;
      await blocking(url.searchParams, () => jobs.get(id)?.allocIndex ?? index);
      const stored = jobs.get(id);
      res.setHeader("X-Nomad-Index", String(stored?.allocIndex ?? index));
      return (stored?.allocs ?? []).map((a) => a.stub());
    }
    const jobOf = param(/^\/v1\/job\/([^/]+)$/);
    if (jobOf !== undefined) {
      allow("GET", "DELETE");
      const id = jobOf;
      const stored = jobs.get(id);
      if (!stored) throw new HttpError(404, "job not found");
      if (method === "GET")
        return { ...stored.job, Status: "running", Stop: false, ModifyIndex: stored.modifyIndex };
      if (url.searchParams.get("purge") !== "true")
        throw new HttpError(400, "the double supports purge=true only");
      await Promise.all(stored.allocs.map((a) => a.stop()));
      jobs.delete(id);
      return { EvalID: randomUUID(), JobModifyIndex: bump(), Index: index };
    }
    const allocOf = param(/^\/v1\/allocation\/([^/]+)$/);
    if (allocOf !== undefined) {
      allow("GET");
      return allocById(allocOf).detail();
    }
    const varOf = param(/^\/v1\/var\/(.+)$/);
    if (varOf !== undefined) {
      allow("GET", "PUT", "DELETE");
      const varPath = varOf;
      const stored = () => ({
        Namespace: "default",
        Path: varPath,
        Items: variables.get(varPath),
        ModifyIndex: varIndex.get(varPath) ?? 0,
      });
      if (method === "GET") {
        if (!variables.has(varPath)) throw new HttpError(404, "variable not found");
        return stored();
      }
      if (method === "DELETE") {
        if (!variables.delete(varPath)) throw new HttpError(404, "variable not found");
        varIndex.delete(varPath);
        return null;
      }
      // Check-and-set: the write applies only over the ModifyIndex the writer read (0: none yet), else 409.
      const cas = url.searchParams.get("cas");
      if (cas !== null && Number(cas) !== (varIndex.get(varPath) ?? 0)) {
        res.writeHead(409, { "Content-Type": "application/json" }).end(JSON.stringify(stored()));
        return undefined;
      }
      const body = await readJson(req);
      const decode = decodeError(body, { Namespace: "string", Path: "string", Items: "map" }, "Variable");
      if (decode) throw new HttpError(400, decode);
      const v = body as { Path?: string; Items?: Record<string, string> };
      if (v.Path && v.Path !== varPath) throw new HttpError(400, "variable path does not match the URL");
      if (!v.Items || Object.keys(v.Items).length === 0) throw new HttpError(400, "variable missing items");
      variables.set(varPath, v.Items);
      varIndex.set(varPath, bump());
      return stored();
    }
    const logsOf = param(/^\/v1\/client\/fs\/logs\/([^/]+)$/);
    if (logsOf !== undefined) {
      allow("GET");
      const alloc = allocById(logsOf);
      await serveLogs(alloc, url.searchParams, req, res);
      return undefined;
    }
    throw new HttpError(404, `Invalid URL path ${path}`);
  }

  function authorised(req: IncomingMessage): boolean {
    return !options.token || req.headers["x-nomad-token"] === options.token;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://double");
    requests.push(`${req.method} ${url.pathname}`);
    if (!authorised(req)) {
      res.writeHead(403, { "Content-Type": "text/plain" }).end("Permission denied");
      return;
    }
    route(req, url, res).then(
      (body) => {
        if (res.headersSent) return;
        res.setHeader("Content-Type", "application/json");
        if (!res.hasHeader("X-Nomad-Index")) res.setHeader("X-Nomad-Index", String(index));
        res.end(body === undefined ? "" : JSON.stringify(body));
      },
      (err: unknown) => {
        if (res.headersSent) return void res.destroy();
        const status = (err as { status?: number }).status ?? 500;
        res.writeHead(status, { "Content-Type": "text/plain" }).end((err as Error).message);
      },
    );
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://double");
    requests.push(`WS ${url.pathname}`);
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    const m = /^\/v1\/client\/allocation\/([^/]+)\/exec$/.exec(url.pathname);
    if (!m) return refuse(404, "Not Found");
    if (!authorised(req)) return refuse(403, "Forbidden");
    let alloc: DoubleAlloc;
    let command: unknown;
    try {
      alloc = allocById(decodeURIComponent(m[1]!));
    } catch {
      return refuse(404, "Not Found");
    }
    try {
      command = JSON.parse(url.searchParams.get("command") ?? "null");
    } catch {
      return refuse(400, "Bad Request");
    }
    if (url.searchParams.get("task") !== alloc.task.Name) return refuse(400, "Bad Request");
    if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === "string"))
      return refuse(400, "Bad Request");
    wss.handleUpgrade(req, socket, head, (ws) =>
      execSession(ws, alloc, command as string[], url.searchParams.get("tty") === "true"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    address: `http://127.0.0.1:${port}`,
    jobs,
    variables,
    requests,
    async close() {
      await Promise.all([...jobs.values()].flatMap((j) => j.allocs.map((a) => a.stop())));
      for (const w of waiters) w();
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Nomad's `wait` parameter ("30s", "5m", "100ms"); default 5 minutes. */
function parseWait(raw: string | null): number {
  const m = /^(\d+)(ms|s|m)$/.exec(raw ?? "");
  if (!m) return 5 * 60_000;
  return Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "s" ? 1000 : 60_000);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `Request decode failed: ${(err as Error).message}`);
  }
}

// Renders bench/results/benchmarks.json as docs/benchmarks.md: a summary of the headline figures and ratios, then
// one section per figure with its conditions, method, numbers and what limits it. Edit here, not the markdown.
import type { DashboardResult } from "./dashboard.js";
import type { DeploySpeedResult } from "./deploy-speed.js";
import type { Machine } from "./lib/machine.js";
import type { LogsResult } from "./logs.js";
import type { RouterResult } from "./router.js";
import type { ScaleResult } from "./scale.js";
import type { TerminalFigures, TerminalResult } from "./terminal.js";

interface Stamped {
  date: string;
  quick?: boolean;
  machine: Machine;
  seconds: number;
}

interface HistoryResult {
  deployments: number;
  seedMs: number;
  shaPrefixProbe: string;
  shaPrefixHits: number;
  serverSideMs: Record<string, number>;
  apiMs: Record<string, number>;
  bffMs?: Record<string, number>;
  method: string;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  totalSeconds: number;
  machine: Machine;
  figures: {
    logs?: LogsResult & Stamped;
    terminal?: TerminalResult & Stamped;
    deploySpeed?: DeploySpeedResult & Stamped;
    scale?: ScaleResult & Stamped;
    router?: RouterResult & Stamped;
    history?: HistoryResult & Stamped;
    dashboard?: DashboardResult & Stamped;
  };
  errors: Record<string, string>;
}

const num = (x: number | undefined, digits = 0): string =>
  x === undefined || !Number.isFinite(x)
    ? "—"
    : x.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? "—" : x >= 100 ? `${num(x)} ms` : `${num(x, x >= 10 ? 1 : 2)} ms`;
const secs = (x: number | undefined): string => (x === undefined ? "—" : `${num(x / 1000, 1)} s`);
const times = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? "—" : `${num(x, 2)}×`;
const pct = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? "—" : `${Math.round(x * 100)} %`;
const kb = (bytes: number | undefined): string => (bytes === undefined ? "—" : `${num(bytes / 1024, 1)} KiB`);

function conditions(f: Stamped): string {
  const m = f.machine;
  return (
    `*Measured ${f.date.slice(0, 16).replace("T", " ")} UTC${f.quick ? " in a quick smoke run (not for comparison)" : ""} on ${m.cpus} cores (${m.model}), ${m.memGiB} GiB, ` +
    `Node ${m.node}; load average ${m.loadAvg1m} when the section started (the machine is shared); ` +
    `${f.seconds} s.*`
  );
}

function missing(name: string, r: BenchResults): string {
  const err = r.errors[name];
  return err
    ? `Not measured in this run: \`${err.split("\n")[0]}\`\n`
    : "Not measured in this run (run `npm run bench`).\n";
}

function table(head: string[], rows: (string | number)[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

function logsSection(r: BenchResults): string {
  const f = r.figures.logs;
  let s = "## 1. Log latency and throughput\n\n";
  if (!f) return s + missing("logs", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  s += table(
    ["write → visible", "p50", "p99", "max", "lines"],
    [
      [
        "follower over gRPC (CLI)",
        ms(f.at10LinesPerSecond.grpc.p50),
        ms(f.at10LinesPerSecond.grpc.p99),
        ms(f.at10LinesPerSecond.grpc.max),
        f.at10LinesPerSecond.grpc.n,
      ],
      [
        "through the BFF (dashboard)",
        ms(f.at10LinesPerSecond.bff.p50),
        ms(f.at10LinesPerSecond.bff.p99),
        ms(f.at10LinesPerSecond.bff.max),
        f.at10LinesPerSecond.bff.n,
      ],
    ],
  );
  const page = r.figures.dashboard?.logLineOnPageMs;
  if (page)
    s += `\n\nIn a real browser (Chromium on the dashboard's log page, through the BFF; section 7): p50 ${ms(page.p50)}, p99 ${ms(page.p99)} from the write to the line in the DOM.`;
  s += "\n\nRising write rates, one follower over gRPC:\n\n";
  s += table(
    [
      "written lines/s",
      "written",
      "received",
      "skipped (announced)",
      "delivered lines/s",
      "latency p50",
      "latency p99",
    ],
    f.stages.map((st) => [
      num(st.requestedLinesPerSecond),
      num(st.written),
      num(st.received),
      num(st.skipped),
      num(st.deliveredLinesPerSecond),
      ms(st.latency.p50),
      ms(st.latency.p99),
    ]),
  );
  s += `\n\n- **Sustained: ${num(f.sustainedLinesPerSecond)} lines/s** with every line delivered and nothing skipped (the highest step that passed${f.stages.length === 0 ? "" : f.sustainedLinesPerSecond === f.stages.at(-1)?.requestedLinesPerSecond ? "; the top step passed, so the limit is higher" : ""}).\n`;
  s += `- **Memory under a flood** (${num(f.flood.requestedLinesPerSecond)} lines/s asked for ${f.flood.seconds} s): the stack process (server + BFF) went from ${f.flood.rssBeforeMb} MB to a peak of ${f.flood.rssPeakMb} MB and ended at ${f.flood.rssAfterMb} MB; the follower received ${num(f.flood.received)} lines and was told ${num(f.flood.skipped)} were skipped. Bounded: the server keeps a fixed window per instance and a slow follower skips ahead (and is told how many it missed) instead of buffering.\n`;
  s += `- **${f.followers100.followers} concurrent followers** of one deployment (Loki's default allows 10 tails): ${f.followers100.allReceived ? "every follower received every line" : "NOT every follower received every line"}; latency p50 ${ms(f.followers100.latency.p50)}, p99 ${ms(f.followers100.latency.p99)}; stack RSS ${f.followers100.rssDuringMb} MB.\n\n`;
  s +=
    "**Why these numbers.** At 10 lines/s the floor is the entrypoint's batching: it ships stdout in batches with " +
    "a short window (`windowMs`, 10 ms, in `apps/entrypoint/src/log-uploader.ts`; fewer, larger messages under " +
    "load), so a lone line waits up to that long before it leaves the instance; the rest is two gRPC hops " +
    "(entrypoint → server → follower) plus one more through the BFF, each delayed by scheduling on a shared " +
    "2-core machine. " +
    `The BFF hop adds ${ms(f.at10LinesPerSecond.bff.p50 - f.at10LinesPerSecond.grpc.p50)} at p50 over the gRPC follower. ` +
    "To close it: send a line at once when no batch is in flight and batch only while one is (Nagle-style), " +
    "which keeps the large-batch throughput and removes the fixed window. " +
    "At high rates the server's CPU is the limit, and the machine's load decides where skipping starts (in three " +
    "full runs on the same day the highest clean step was 5,000, 20,000 and 50,000 lines/s as the load average " +
    "moved between ~20 and ~5). A CPU profile of the stack at 20,000 lines/s (`--cpu-prof`, 2026-11-23) puts " +
    "about a quarter of its busy time in persisting the window to SQLite (better-sqlite3 transactions, Kysely, " +
    "`log-persistence.ts`), about a tenth in protovalidate's CEL rules run on every uploaded batch, another tenth " +
    "in protobuf encoding/decoding, ~4 % in gzip of the follower's stream (the CLI's transport still accepts " +
    "gzip) and ~12 % in GC — roughly 40 µs of server CPU per line. To raise it: persist in larger, less frequent " +
    "batches (or append-only segment files), validate the entrypoint's batches with cheap size checks instead of " +
    "per-field CEL, and drop gzip for followers next to the server.\n";
  return s;
}

function termRow(name: string, t: TerminalFigures | undefined): (string | number)[] {
  if (!t) return [name, "—", "—", "—", "—", "—"];
  return [
    name,
    ms(t.keystrokeMs.p50),
    ms(t.keystrokeMs.p99),
    `${num(t.cat.mbPerSecond, 1)} MB/s`,
    num(t.cat.lostBytes),
    ms(t.ctrlCToPromptMs.median),
  ];
}

function terminalSection(r: BenchResults): string {
  const f = r.figures.terminal;
  let s = "## 2. Terminal round trip\n\n";
  if (!f) return s + missing("terminal", r);
  const t = f.terminals;
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  s += table(
    ["terminal", "keystroke → echo p50", "p99", "`cat` throughput", "bytes lost", "Ctrl-C → prompt (median)"],
    [
      termRow("**Berth**: browser WebSocket → BFF → server → entrypoint → PTY", t.berth),
      termRow("Berth without the BFF (gRPC), gzip accepted", t.berthGrpc),
      termRow("… without gzip (what `berth exec -t` does)", t.berthGrpcNoGzip),
      termRow("limit: bare WebSocket ⇄ node-pty, no hops", t.bare),
      termRow("peer: wetty 3.2.0 (socket.io ⇄ node-pty)", t.wetty),
    ],
  );
  s += `\n\nRatios in this run: Berth's keystroke p50 is ${times(f.ratios.keystrokeP50BerthToBare)} the bare limit's and ${times(f.ratios.keystrokeP50BerthToWetty)} wetty's; its \`cat\` throughput is ${pct(f.ratios.catBerthToBare)} of the limit's and ${pct(f.ratios.catBerthToWetty)} of wetty's.`;
  const errs = Object.entries(f.errors);
  if (errs.length) s += `\n\nNot measured: ${errs.map(([k, v]) => `${k} (${v})`).join("; ")}.`;
  s += "\n\n";
  const gzipGain =
    (t.berthGrpcNoGzip?.cat.mbPerSecond ?? Number.NaN) / (t.berthGrpc?.cat.mbPerSecond ?? Number.NaN);
  const ctrlCGain =
    (t.berthGrpcNoGzip?.ctrlCToPromptMs.median ?? Number.NaN) /
    (t.berthGrpc?.ctrlCToPromptMs.median ?? Number.NaN);
  s +=
    "**Why, and what would close it.** Every keystroke crosses three processes and two gRPC hops more than the " +
    `bare server, so its p50 is about ${ms(t.berth?.keystrokeMs.p50)}: far below what a person notices (wetty, ` +
    `which batches output every 2 ms, answers in ${ms(t.wetty?.keystrokeMs.p50)}). The \`cat\` moves ` +
    `${num(t.berth?.cat.mbPerSecond, 1)} MB/s through our hops with no byte lost — ` +
    `${(t.berth?.cat.mbPerSecond ?? 0) >= 30 ? "above" : "below"} the 30 MB/s we aim for, ` +
    `${pct(f.ratios.catBerthToBare)} of the bare limit and ${pct(f.ratios.catBerthToWetty)} of wetty. ` +
    "Gzip was the first thing in the way: an earlier run of this suite, with a CPU profile of the server + BFF " +
    "process during the `cat` (`--cpu-prof`: mostly idle, zlib its biggest CPU item), showed the server " +
    "gzipping every stream message of 1 KiB or more for the BFF next to it; the BFF ⇄ server and entrypoint ⇄ " +
    "server transports now refuse compression (`acceptCompression: []`), which roughly doubled throughput. " +
    "The CLI's transport refuses compression too: with gzip the same exec moves " +
    `${times(1 / gzipGain)} the bytes per second and its Ctrl-C takes ${times(1 / ctrlCGain)} the time. The server ` +
    "now opens 1 MiB stream and 8 MiB connection HTTP/2 receive windows (Node's default is 64 KiB, so a stream moved " +
    "at most 64 KiB per round trip): that about doubled the gRPC row's `cat`. The browser row does not gain from it: " +
    "there the BFF and the server share one Node process here (the quickstart's layout), whose event loop relays " +
    "every chunk twice (gRPC in, WebSocket out) and is the bottleneck on this 2-core machine; widening the BFF's " +
    "receive windows too made no measurable difference. To close the rest: run the BFF in its own process (or " +
    "relay exec on a worker thread), coalesce PTY output into larger messages, and lower the in-flight high-water " +
    "mark for interactive sessions so Ctrl-C stops sooner.\n";
  return s;
}

function deploySection(r: BenchResults): string {
  const f = r.figures.deploySpeed;
  let s = "## 3. Deploy speed\n\n";
  if (!f) return s + missing("deploySpeed", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  const steps = (x: Record<string, number>) =>
    Object.entries(x)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join(", ") || "—";
  s += table(
    [
      "`berth up` (hello-node)",
      "total (CLI wall time)",
      "build & push",
      "deploy (→ healthy)",
      "release",
      "build job steps",
      "deploy job steps",
      "artifact",
    ],
    [
      [
        "cold",
        secs(f.cold.totalMs),
        ms(f.cold.phasesMs.build),
        ms(f.cold.phasesMs.deploy),
        ms(f.cold.phasesMs.release),
        steps(f.cold.buildStepsMs),
        steps(f.cold.deployStepsMs),
        `${num(f.cold.artifactBytes)} B`,
      ],
      [
        `warm (median of ${f.warm.runs})`,
        secs(f.warm.totalMs),
        ms(f.warm.phasesMs.build),
        ms(f.warm.phasesMs.deploy),
        ms(f.warm.phasesMs.release),
        steps(f.warm.buildStepsMs),
        steps(f.warm.deployStepsMs),
        `${num(f.warm.artifactBytes)} B`,
      ],
    ],
  );
  const dockerS = f.reference.dockerBuildpack.seconds * 1000;
  const pkgS = f.reference.pkgBinary.seconds * 1000;
  const buildWarm = f.warm.phasesMs.build ?? Number.NaN;
  s +=
    "\n\nAgainst the seed talk's figures for a comparable Express app (reference numbers from that talk, not measured here):\n\n";
  s += table(
    ["", "build time", "artifact"],
    [
      [
        "Docker buildpack (talk)",
        `${f.reference.dockerBuildpack.seconds} s`,
        `${num(f.reference.dockerBuildpack.mb)} MB`,
      ],
      ["`pkg` single binary (talk)", `${f.reference.pkgBinary.seconds} s`, `${f.reference.pkgBinary.mb} MB`],
      [
        "Berth archive build + push (warm, measured)",
        ms(buildWarm),
        `${num(f.warm.artifactBytes / 1024, 1)} KiB`,
      ],
    ],
  );
  s += `\n\nBerth's build + push is ${num(dockerS / buildWarm)}× faster than the buildpack and ${num(pkgS / buildWarm)}× faster than \`pkg\` (hello-node has no dependencies; an app with a lockfile adds its install, cached by lockfile hash). `;
  s += `**Release** (Release RPC → the router serving the other deployment): median ${ms(f.releaseMs.median)} (${f.releaseMs.samples.map(ms).join(", ")}); **rollback**: median ${ms(f.rollbackMs.median)} (${f.rollbackMs.samples.map(ms).join(", ")}); from the dashboard (through the BFF): release ${ms(f.releaseViaBffMs?.median)}, rollback ${ms(f.rollbackViaBffMs?.median)}. The router caches its lookups and drops the cache on the release's event, which is published before the RPC returns, so the very next request goes to the new deployment; the time is the RPC itself (auth, a transaction with synchronous=FULL, audit row).\n\n`;
  s +=
    "**Where the time goes.** Deploy is mostly the `health` step: a starting instance is probed every 100 ms " +
    "until its first pass, so that step is the time to start two Node processes — the entrypoint (TypeScript " +
    "compiled at start through tsx) and then the app — and for the app to listen; a precompiled entrypoint " +
    "would cut most of it. " +
    `The build job's own steps (copy, pack, push) take ${ms(Object.values(f.warm.buildStepsMs).reduce((a, b) => a + b, 0))}: ` +
    "the artifact is a tar.gz of the tracked files (content-addressed, deduplicated on push); the rest of the " +
    "build phase is the CLI registering itself as the build runner and the job's round trips (queue, take, " +
    "stream the output, finish). The CLI's wall time also includes starting Node and compiling the CLI's TypeScript " +
    "through tsx (`apps/cli/bin/berth.js`), about a second on this machine; a bundled CLI would remove most of it.\n";
  return s;
}

function scaleSection(r: BenchResults): string {
  const f = r.figures.scale;
  let s = "## 4. Scale on one machine\n\n";
  if (!f) return s + missing("scale", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  if (f.count < f.requestedCount)
    s += `**The issue asks for count = ${f.requestedCount}; this run measured ${f.count}** (a quick run, or an older platform cap).\n\n`;
  const router = r.figures.router;
  s += table(
    ["figure", "value"],
    [
      ["instances healthy", `${f.healthy} / ${f.count}`],
      ["`berth up` total", secs(f.upTotalMs)],
      ["deploy phase (queued → all healthy)", secs(f.deployPhaseMs)],
      [
        "deploy job steps",
        Object.entries(f.deployStepsMs)
          .map(([k, v]) => `${k} ${ms(v)}`)
          .join(", "),
      ],
      [
        "router throughput across them",
        `${num(f.router.requestsPerSecond)} req/s, p99 ${ms(f.router.p99Ms)}`,
      ],
      [
        "router throughput to 1 instance (section 5)",
        router ? `${num(router.targets.router.requestsPerSecond)} req/s` : "—",
      ],
      [
        "spread",
        `${num(f.spread.requests)} requests hit ${f.spread.instancesHit} instances, ${f.spread.minPerInstance}-${f.spread.maxPerInstance} each`,
      ],
    ],
  );
  s +=
    `\n\nRound robin over healthy instances spreads requests ${f.spread.minPerInstance === f.spread.maxPerInstance ? "exactly evenly" : `${f.spread.minPerInstance}-${f.spread.maxPerInstance} per instance`}. ` +
    `Throughput across ${f.count} instances is ${router ? pct(f.router.requestsPerSecond / router.targets.router.requestsPerSecond) : "—"} of the ` +
    "one-instance figure: the same requests are now spread over many app processes, each woken for a few dozen " +
    "requests a second (cold caches, no batching of work per wake-up, far more context switches on 2 cores), next " +
    "to their entrypoints and a health probe per instance per second; the router itself does the same work per " +
    "request. Time to healthy grows with the count because the instances (and their entrypoints) start in " +
    "parallel on 2 cores and each waits for its health probe.\n";
  return s;
}

function routerSection(r: BenchResults): string {
  const f = r.figures.router;
  let s = "## 5. Router\n\n";
  if (!f) return s + missing("router", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  s += table(
    ["target", "requests/s", "p50", "p99", "errors", "vs direct"],
    [
      [
        "the app directly (limit)",
        num(f.targets.direct.requestsPerSecond),
        ms(f.targets.direct.p50Ms),
        ms(f.targets.direct.p99Ms),
        f.targets.direct.errors,
        "100 %",
      ],
      [
        "nginx, 1 worker, keep-alive (peer)",
        num(f.targets.nginx.requestsPerSecond),
        ms(f.targets.nginx.p50Ms),
        ms(f.targets.nginx.p99Ms),
        f.targets.nginx.errors,
        pct(f.ratios.nginxToDirect),
      ],
      [
        "**Berth's URL router**",
        num(f.targets.router.requestsPerSecond),
        ms(f.targets.router.p50Ms),
        ms(f.targets.router.p99Ms),
        f.targets.router.errors,
        pct(f.ratios.routerToDirect),
      ],
    ],
  );
  const perRound = f.samples.router.map((x, i) =>
    pct(x.requestsPerSecond / (f.samples.nginx[i]?.requestsPerSecond ?? Number.NaN)),
  );
  s += `\n\n**Berth's router reaches ${pct(f.ratios.routerToNginx)} of one-worker nginx** in this run (per round: ${perRound.join(", ")}; for scale, the issue's earlier measurements on this machine: the best plain Node proxy ~45 %, \`@fastify/http-proxy\` ~33 %).\n\n`;
  s +=
    "**Why, and what would close it.** The router now answers host lookups from memory (cleared by release and " +
    "deployment events), so a CPU profile of the server process under this load (`--cpu-prof`, 2026-11-23 " +
    "14:05) no longer shows the route table: about half of its busy time is the socket writes themselves " +
    "(`writeLatin1String` for each request forwarded to the app, `writev` for each response back — one syscall " +
    "per message on each side of Node's http stack) and most of the rest is http bookkeeping (agent, parser, " +
    "listeners; even a bodiless GET is proxied with `req.pipe(upstream)` and `up.pipe(res)`, so every request " +
    "adds and removes stream listeners — `_addListener`/`removeListener` show in the profile). We are below the " +
    "~45 % measured earlier for the best plain Node proxy, so part of the gap is ours, not Node's. nginx does the same syscalls from C with an event loop of its own, while our router shares its " +
    "one event loop with the API server and the other subsystems. To close it: end bodiless requests with " +
    "`upstream.end()` and answer small responses (known content-length) with one `res.end(body)` instead of " +
    "pipes, run the router in its own " +
    "process, with `node:cluster` workers on machines with more cores; for heavy traffic, let the route table " +
    "drive a native proxy (nginx/Envoy/Caddy reloaded on release) — the nginx row is that ceiling.\n";
  return s;
}

function historySection(r: BenchResults): string {
  const f = r.figures.history;
  let s = "## 6. History at scale\n\n";
  if (!f) return s + missing("history", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method} Seeding ${num(f.deployments)} rows (one transaction) took ${secs(f.seedMs)}.\n\n`;
  const rows: [string, string, string | undefined][] = [
    ["newest page", "newestPage", "newestPage"],
    ["next page (page token) / a page in the middle", "deepPage", "nextPage"],
    [`SHA prefix (7 hex chars, ${f.shaPrefixHits} hit)`, "shaPrefix", "shaPrefix"],
    ["branch + statuses (`feature/f7`, failed or destroyed)", "branchAndStatusPage", "branchAndStatusPage"],
    ["text in the commit message", "textSearch", undefined],
  ];
  s += table(
    [
      `query (page of 50, ${num(f.deployments)} deployments)`,
      "store function",
      "gRPC API",
      "through the BFF (end to end)",
    ],
    rows.map(([label, store, api]) => [
      label,
      ms(f.serverSideMs[store]),
      api ? ms(f.apiMs[api]) : "—",
      api ? ms(f.bffMs?.[api]) : "—",
    ]),
  );
  s +=
    "\n\nEvery listing is an index search, never a table scan (the bench records SQLite's query plans in the JSON): " +
    "newest-first pages walk the `(app_id, seq)` index from the page token's seq (no OFFSET, so page 1,000 costs " +
    'what page 1 costs); a SHA prefix becomes the range `[prefix, prefix + "g")` on `(app_id, git_sha)`; a branch ' +
    "uses `(app_id, git_branch, seq)`. The store answers in well under a millisecond; most of the API time is the " +
    "gRPC round trip and protobuf encoding of 50 deployments, and the BFF adds one more HTTP hop (Connect over " +
    "HTTP/1.1, session lookup, CSRF check) and re-encoding. On this loaded machine single calls vary by several " +
    "milliseconds from run to run.\n";
  return s;
}

function dashboardSection(r: BenchResults): string {
  const f = r.figures.dashboard;
  let s = "## 7. Dashboard\n\n";
  if (!f) return s + missing("dashboard", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  s += table(
    ["figure", "value"],
    [
      [
        "first-load JS (entry chunk + its static imports), gzip -9",
        `**${kb(f.bundle.gzipBytes)}** (${kb(f.bundle.rawBytes)} raw, ${1 + f.bundle.staticChunks.length} file(s))`,
      ],
      ["first-load CSS, gzip -9", kb(f.bundle.cssGzipBytes)],
      [
        "JS the browser fetched for the deployment list (entry + lazy route chunks, as served)",
        `${num(f.jsTransferredForListKb)} KiB`,
      ],
      [
        "cold deep links: JS fetched, gzip -9 (budget 170 KB)",
        f.deepLinkGzipKb
          ? Object.entries(f.deepLinkGzipKb)
              .map(([path, kb]) => `\`${path}\` ${num(kb, 1)} KiB`)
              .join("; ")
          : "not measured",
      ],
      [
        "time to deployment list interactive (cold cache)",
        `**${ms(f.deploymentListMs.median)}** median (${f.deploymentListMs.samples.map(ms).join(", ")})`,
      ],
      [
        "log line write → shown in the log view (10 lines/s, Chromium through the BFF)",
        f.logLineOnPageMs
          ? `p50 ${ms(f.logLineOnPageMs.p50)}, p99 ${ms(f.logLineOnPageMs.p99)} (${f.logLineOnPageMs.n} lines)`
          : "not measured",
      ],
      [
        "log view at 5,000 lines/s: frame time",
        f.logView
          ? `p50 ${ms(f.logView.frameMs.p50)}, p99 ${ms(f.logView.frameMs.p99)}, ${f.logView.fps} frames/s, ${f.logView.framesOver50Ms} frames over 50 ms in ${f.logView.seconds} s`
          : `not measured (${f.errors.logView ?? "?"})`,
      ],
    ],
  );
  const saved = 1 - f.bundle.gzipBytes / f.bundle.rawBytes;
  s +=
    "\n\nEvery page is a lazy chunk, so the first load is the shell (React, the wouter router, TanStack Query, the " +
    "Connect client and the generated protobuf descriptors) plus the route's own chunks. The router was react-router " +
    "v7 until its ~28 KiB gz put app deep links over the 170 KB budget (up to 187 KiB); wouter is ~2 KiB. React DOM " +
    "(~60 KiB gz) and the protobuf runtime with its descriptors (~28 KiB) are most of what is left. The BFF serves " +
    "brotli/gzip variants precompressed at build time, which is why the browser fetches less than the gzip -9 " +
    `figures (compression saves about ${pct(saved)} of the raw JS). Most of the time to ` +
    "interactive on this machine is Chromium creating a fresh context and parsing the shell; the data calls " +
    "take milliseconds (section 6).";
  if (f.logView)
    s +=
      ` While 5,000 lines/s arrive, the log view renders ${f.logView.fps} frames/s (60 is the display's rate): ` +
      "lines are appended to a buffer and only the visible rows are rendered (a virtual list), so the work per " +
      "frame does not grow with the line count; the long frames coincide with large batches of a busy stream " +
      "and with the machine's noise.";
  s += "\n";
  return s;
}

function summary(r: BenchResults): string {
  const { logs, terminal, deploySpeed, scale, router, history, dashboard } = r.figures;
  const t = terminal?.terminals;
  const rows: (string | number)[][] = [
    [
      "log line write → follower (gRPC), 10 lines/s, p50 / p99",
      logs ? `${ms(logs.at10LinesPerSecond.grpc.p50)} / ${ms(logs.at10LinesPerSecond.grpc.p99)}` : "—",
      "—",
      "—",
    ],
    [
      "log line write → browser session through the BFF, p50 / p99",
      logs ? `${ms(logs.at10LinesPerSecond.bff.p50)} / ${ms(logs.at10LinesPerSecond.bff.p99)}` : "—",
      "—",
      "—",
    ],
    [
      "log line write → shown in Chromium's log view, p50 / p99",
      dashboard?.logLineOnPageMs
        ? `${ms(dashboard.logLineOnPageMs.p50)} / ${ms(dashboard.logLineOnPageMs.p99)}`
        : "—",
      "—",
      "—",
    ],
    ["log lines/s sustained with nothing skipped", logs ? num(logs.sustainedLinesPerSecond) : "—", "—", "—"],
    [
      `concurrent log followers of one deployment`,
      logs
        ? `${logs.followers100.followers}, all lines: ${logs.followers100.allReceived ? "yes" : "no"}`
        : "—",
      "Loki default: 10 tails",
      "—",
    ],
    [
      "terminal keystroke → echo p50",
      ms(t?.berth?.keystrokeMs.p50),
      `bare ${ms(t?.bare?.keystrokeMs.p50)} / wetty ${ms(t?.wetty?.keystrokeMs.p50)}`,
      terminal
        ? `${times(terminal.ratios.keystrokeP50BerthToBare)} / ${times(terminal.ratios.keystrokeP50BerthToWetty)}`
        : "—",
    ],
    [
      "terminal `cat` throughput (0 bytes lost)",
      t?.berth ? `${num(t.berth.cat.mbPerSecond, 1)} MB/s` : "—",
      `bare ${num(t?.bare?.cat.mbPerSecond, 1)} / wetty ${num(t?.wetty?.cat.mbPerSecond, 1)} MB/s`,
      terminal ? `${pct(terminal.ratios.catBerthToBare)} / ${pct(terminal.ratios.catBerthToWetty)}` : "—",
    ],
    [
      "`berth up` hello-node, warm: build + push / total",
      deploySpeed ? `${ms(deploySpeed.warm.phasesMs.build)} / ${secs(deploySpeed.warm.totalMs)}` : "—",
      "buildpack 55.5 s, `pkg` 4.67 s (talk)",
      deploySpeed
        ? `${num(55_500 / (deploySpeed.warm.phasesMs.build ?? 1))}× / ${num(4670 / (deploySpeed.warm.phasesMs.build ?? 1))}× faster build`
        : "—",
    ],
    [
      "artifact size",
      deploySpeed ? `${num(deploySpeed.warm.artifactBytes / 1024, 1)} KiB` : "—",
      "1,075 MB / 46 MB (talk)",
      "—",
    ],
    [
      "release / rollback (RPC → router serving it)",
      deploySpeed
        ? `${ms(deploySpeed.releaseMs.median)} / ${ms(deploySpeed.rollbackMs.median)} (from the dashboard: ${ms(deploySpeed.releaseViaBffMs?.median)} / ${ms(deploySpeed.rollbackViaBffMs?.median)})`
        : "—",
      "—",
      "—",
    ],
    [
      `${scale?.count ?? 50} instances: time to all healthy`,
      scale ? secs(scale.deployPhaseMs) : "—",
      "—",
      "—",
    ],
    [
      "router requests/s to a trivial app",
      router ? num(router.targets.router.requestsPerSecond) : "—",
      router
        ? `direct ${num(router.targets.direct.requestsPerSecond)} / nginx ${num(router.targets.nginx.requestsPerSecond)}`
        : "—",
      router ? `${pct(router.ratios.routerToDirect)} / ${pct(router.ratios.routerToNginx)}` : "—",
    ],
    [
      `history newest page, ${num(history?.deployments)} deployments: store / API / BFF`,
      history
        ? `${ms(history.serverSideMs.newestPage)} / ${ms(history.apiMs.newestPage)} / ${ms(history.bffMs?.newestPage)}`
        : "—",
      "—",
      "—",
    ],
    ["dashboard first-load JS, gzipped", dashboard ? kb(dashboard.bundle.gzipBytes) : "—", "—", "—"],
    [
      "deployment list interactive (Chromium, cold)",
      dashboard ? ms(dashboard.deploymentListMs.median) : "—",
      "—",
      "—",
    ],
  ];
  return table(["figure", "Berth", "limit / peer (same run)", "ratio"], rows);
}

/** The whole markdown page. */
export function renderBenchmarks(r: BenchResults): string {
  const m = r.machine;
  const errs = Object.entries(r.errors);
  return [
    "# Benchmarks",
    "",
    "<!-- Generated by `npm run bench` (bench/src/run-all.ts → render-benchmarks.ts). Edit the renderer, not this file. -->",
    "",
    `Berth measured against its limits and peers on one machine. **Run:** ${r.date.slice(0, 16).replace("T", " ")} UTC, ` +
      `${r.quick ? "**quick smoke run** (`--quick`: fewer samples, shorter phases; not for comparison), " : ""}` +
      `${Math.floor(r.totalSeconds / 60)} min ${r.totalSeconds % 60} s in total. **Machine:** ${m.cpus} cores ` +
      `(${m.model}), ${m.memGiB} GiB RAM, Node ${m.node}, shared with other work and noisy (load average ` +
      `${m.loadAvg1m} at the end of the run). Absolute numbers move from run to run; **ratios measured in the same ` +
      "run are what count**. Each figure is the median of several runs unless it says otherwise; every section " +
      "states its method. Everything talks to 127.0.0.1 only.",
    "",
    `Rerun: \`npm run bench\` (about ${Math.max(1, Math.ceil(r.totalSeconds / 60))} minutes on this machine; ` +
      "`npm run bench -- --quick` for a smoke run, `-- --sections=logs,router` for some sections — the others keep " +
      "their last figures; `-- --render` rewrites this page from the JSON). Raw figures: " +
      "`bench/results/benchmarks.json`. Code: `bench/src/<section>.ts`, the apps it deploys in `bench/apps/`.",
    "",
    ...(errs.length
      ? [
          `**Sections that failed in this run:** ${errs.map(([k, v]) => `${k} (\`${v.split("\n")[0]}\`)`).join("; ")}.`,
          "",
        ]
      : []),
    "## Summary",
    "",
    summary(r),
    "",
    logsSection(r),
    terminalSection(r),
    deploySection(r),
    scaleSection(r),
    routerSection(r),
    historySection(r),
    dashboardSection(r),
  ].join("\n");
}

// Renders bench/results/benchmarks.json as docs/benchmarks.md: a summary of the headline figures and ratios, then
// one section per figure with its conditions, method, numbers and what limits it. Edit here, not the markdown.
import type { DashboardResult } from "./dashboard.js";
import type { DataPlaneResult } from "./data-plane.js";
import type { DeploySpeedResult, UpFigures } from "./deploy-speed.js";
import type { GrpcPeerResult, PeerSample } from "./grpc-peer.js";
import type { Machine } from "./lib/machine.js";
import type { LogsResult } from "./logs.js";
import type { PlatformFigures, PlatformsResult } from "./platforms.js";
import type { ProxiesResult, ProxyTarget } from "./proxies.js";
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
  /** "What was live at T" over a long lifecycle log (absent in results written before it was measured). */
  lifecycle?: {
    method: string;
    events: number;
    releases: number;
    seedMs: number;
    liveAtMs: { storeMs: number; apiMs: number; bffMs: number };
  };
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
    grpcPeer?: GrpcPeerResult & Stamped;
    proxies?: ProxiesResult & Stamped;
    dataPlane?: DataPlaneResult & Stamped;
    platforms?: PlatformsResult & Stamped;
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
const us = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? "—" : `${num(x, x >= 100 ? 0 : 1)} µs`;
/** "median of N runs" for N ≥ 5 (the page's promise), otherwise what the figure really is. */
export const runsLabel = (n: number): string =>
  n >= 5 ? `median of ${n} runs` : n === 1 ? "one run" : `middle of ${n} runs`;
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
  s += "Write → visible at 10 lines/s (one run; percentiles over its lines):\n\n";
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
  if (f.byInstances?.length) {
    s += "\n\nWrite → gRPC follower with several instances writing 10 lines/s each (one run per count):\n\n";
    s += table(
      ["instances", "p50", "p99", "max", "lines", "all delivered"],
      f.byInstances.map((b) => [
        b.instances,
        ms(b.latency.p50),
        ms(b.latency.p99),
        ms(b.latency.max),
        b.latency.n,
        b.allReceived ? "yes" : "**no**",
      ]),
    );
  }
  s += `\n\nRising write rates, one follower over gRPC (one run; ${f.stageSeconds ? `${f.stageSeconds} s per step` : "step length in the method"}):\n\n`;
  s += table(
    [
      "written lines/s",
      "written",
      "received",
      "skipped (announced)",
      "delivered lines/s",
      "latency p50",
      "latency p99",
      "CPU per line: server + BFF",
      "entrypoint + app",
    ],
    f.stages.map((st) => [
      num(st.requestedLinesPerSecond),
      num(st.written),
      num(st.received),
      num(st.skipped),
      num(st.deliveredLinesPerSecond),
      ms(st.latency.p50),
      ms(st.latency.p99),
      us(st.cpuUsPerLine?.stack),
      us(st.cpuUsPerLine?.entrypointAndApp),
    ]),
  );
  s += `\n\n- **Sustained: ${num(f.sustainedLinesPerSecond)} lines/s** for ${f.stageSeconds ? `${f.stageSeconds} s` : "one step"} with every line delivered and nothing skipped (the highest step that passed${f.stages.length === 0 ? "" : f.sustainedLinesPerSecond === f.stages.at(-1)?.requestedLinesPerSecond ? "; the top step passed, so the limit is higher" : ""}).\n`;
  s += `- **Memory under a flood** (${num(f.flood.requestedLinesPerSecond)} lines/s asked for ${f.flood.seconds} s): the stack process (server + BFF) went from ${f.flood.rssBeforeMb} MB to a peak of ${f.flood.rssPeakMb} MB and ended at ${f.flood.rssAfterMb} MB; the follower received ${num(f.flood.received)} lines and was told ${num(f.flood.skipped)} were skipped.\n`;
  s += `- **${f.followers100.followers} concurrent followers** of one deployment (for scale, cited: Grafana Loki's \`max_concurrent_tail_requests\` defaults to 10): ${f.followers100.allReceived ? "every follower received every line" : "NOT every follower received every line"}; latency p50 ${ms(f.followers100.latency.p50)}, p99 ${ms(f.followers100.latency.p99)}; stack RSS ${f.followers100.rssDuringMb} MB.\n\n`;
  s += `The BFF hop adds ${ms(f.at10LinesPerSecond.bff.p50 - f.at10LinesPerSecond.grpc.p50)} at p50 over the gRPC follower in this run.\n`;
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
    [
      "terminal",
      "keystroke → echo p50",
      "p99",
      `\`cat\` throughput (${runsLabel(t.berth?.cat.mbPerSecondSamples?.length ?? 1)})`,
      "bytes lost",
      `Ctrl-C → prompt (${runsLabel(t.berth?.ctrlCToPromptMs.samples.length ?? 0)})`,
    ],
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
  s +=
    `\`cat\` through Berth's browser path: ${num(t.berth?.cat.mbPerSecond, 1)} MB/s ` +
    `(${(t.berth?.cat.mbPerSecond ?? 0) >= 30 ? "at or above" : "below"} the 30 MB/s goal); over gRPC without ` +
    `gzip ${times(gzipGain)} the rate with gzip accepted.\n`;
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
  const row = (label: string, u: UpFigures): (string | number)[] => [
    label,
    secs(u.totalMs),
    ms(u.phasesMs.build),
    ms(u.phasesMs.deploy),
    ms(u.phasesMs.release),
    steps(u.buildStepsMs),
    steps(u.deployStepsMs),
    `${num(u.artifactBytes / 1024, 1)} KiB`,
  ];
  const rows = [
    row("hello-node, cold (one run)", f.cold),
    row(`hello-node, warm (${runsLabel(f.warm.runs)})`, f.warm),
  ];
  if (f.express)
    rows.push(
      row("Express app, cold (one run)", f.express.cold),
      row(`Express app, warm (${runsLabel(f.express.warm.runs)})`, f.express.warm),
    );
  s += table(
    [
      "`berth up`",
      "total (CLI wall time)",
      "build & push",
      "deploy (→ healthy)",
      "release",
      "build job steps",
      "deploy job steps",
      "artifact",
    ],
    rows,
  );
  const ref = f.reference;
  s +=
    "\n\n**Cited, not measured here:** the figures a talk published for heroku/node-js-getting-started (an " +
    `Express app) built with a Docker buildpack and with \`pkg\` — source: ${ref.source ?? 'Michael Lange, "I Just Want to Ship My Code: Waypoint, Nomad, and Other Things" (talk, 2021-02-18), slide 16'}. ` +
    "They come from another machine and another year; the Berth rows are this run's.\n\n";
  s += table(
    ["", "build time", "artifact", "source"],
    [
      [
        "Docker buildpack",
        `${ref.dockerBuildpack.seconds} s`,
        `${num(ref.dockerBuildpack.mb)} MB`,
        "cited (talk)",
      ],
      ["`pkg` single binary", `${ref.pkgBinary.seconds} s`, `${ref.pkgBinary.mb} MB`, "cited (talk)"],
      [
        `Berth, hello-node, build & push (warm, ${runsLabel(f.warm.runs)})`,
        ms(f.warm.phasesMs.build),
        `${num(f.warm.artifactBytes / 1024, 1)} KiB`,
        "this run",
      ],
      ...(f.express
        ? [
            [
              `Berth, Express app, build & push (warm, ${runsLabel(f.express.warm.runs)})`,
              ms(f.express.warm.phasesMs.build),
              `${num(f.express.warm.artifactBytes / 1024, 1)} KiB`,
              "this run",
            ],
          ]
        : []),
    ],
  );
  const rel = (x: { median: number; samples: number[] } | undefined) =>
    x ? `${ms(x.median)} (${runsLabel(x.samples.length)}: ${x.samples.map(ms).join(", ")})` : "—";
  s += `\n\n**Release** (Release RPC → the router serving the other deployment): ${rel(f.releaseMs)}; **rollback**: ${rel(f.rollbackMs)}; from the dashboard (through the BFF): release ${rel(f.releaseViaBffMs)}, rollback ${rel(f.rollbackViaBffMs)}.\n`;
  if (f.cliStart) {
    const c = f.cliStart;
    s += `\n**\`berth --version\`** (the esbuild bundle): ${rel(c.versionMs)}, against a bare \`node -e 0\` ${ms(c.nodeBaselineMs.median)} (${runsLabel(c.nodeBaselineMs.samples.length)}, interleaved) — ${c.versionMs.median < 400 ? "under" : "over"} the 0.4 s goal.\n`;
  }
  if (f.entrypoint) {
    const e = f.entrypoint;
    const over = `${runsLabel(e.runs)} of ${e.perRun} instances each, ${e.samples} processes`;
    s += `\n**Entrypoint footprint** (one \`berth-entrypoint\` per instance, read right after it became healthy; ${over}): RSS ${num(e.rssMb.median, 1)} MB, max ${num(e.rssMb.max, 1)} MB (${e.rssMb.median < 30 ? "under" : "over"} the 30 MB goal); CPU since start ${ms(e.startCpuMs.median)}, max ${ms(e.startCpuMs.max)}.\n`;
  }
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
    "one-instance figure (section 5).\n";
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
  s += `\n\n**Berth's router reaches ${pct(f.ratios.routerToNginx)} of one-worker nginx** in this run (${runsLabel(f.rounds)}; per round: ${perRound.join(", ")}).\n`;
  return s;
}

function proxiesSection(r: BenchResults): string {
  const f = r.figures.proxies;
  let s = "## 9. Proxies: Node router, haproxy, nginx\n\n";
  if (!f) return s + missing("proxies", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  const rows: [ProxyTarget, string][] = [
    ["direct", "the upstream directly (limit)"],
    ["nginx", "nginx, 1 worker, keep-alive (peer)"],
    ["haproxy", "**native data plane (haproxy 2.6, 1 thread)**"],
    ["plainNode", "plain Node proxy (node:http + keep-alive Agent; peer)"],
    ["node", "**Berth's Node router**"],
    ["nodeBare", "Berth's Node router, traffic metrics off"],
  ];
  s += table(
    ["target", "requests/s", "p50", "p99", "errors", "proxy CPU per request", "requests/s vs nginx"],
    // Results written before a target existed have no row for it.
    rows
      .filter(([k]) => f.targets[k])
      .map(([k, label]) => [
        label,
        num(f.targets[k].requestsPerSecond),
        ms(f.targets[k].p50Ms),
        ms(f.targets[k].p99Ms),
        f.targets[k].errors,
        k === "direct"
          ? `${us(f.targets[k].cpuUsPerRequest)} (the upstream's)`
          : us(f.targets[k].cpuUsPerRequest),
        k === "direct" ? "—" : pct(f.targets[k].requestsPerSecond / f.targets.nginx.requestsPerSecond),
      ]),
  );
  const perRound = (k: ProxyTarget) =>
    f.samples[k]
      .map((x, i) => pct(x.requestsPerSecond / (f.samples.nginx[i]?.requestsPerSecond ?? Number.NaN)))
      .join(", ");
  s +=
    `\n\n**The native data plane reaches ${pct(f.ratios.haproxyToNginx)} of one-worker nginx** (goal ≥ 90 %; per round: ${perRound("haproxy")}) ` +
    `at ${times(f.ratios.haproxyCpuToNginx)} nginx's CPU per request; **the Node router ${pct(f.ratios.nodeToNginx)}** ` +
    `(goal ≥ 40 %; per round: ${perRound("node")}) at ${times(f.ratios.nodeCpuToNginx)} its CPU per request ` +
    `(${runsLabel(f.rounds)}). With all of them on the same 2 cores as wrk and the upstream, CPU per request is the steadier figure.\n`;
  if (f.ratios.nodeToPlainNode !== undefined && f.ratios.metricsOnToOff !== undefined) {
    const perRoundVs = (a: ProxyTarget, b: ProxyTarget) =>
      f.samples[a]
        .map((x, i) => pct(x.requestsPerSecond / (f.samples[b][i]?.requestsPerSecond ?? Number.NaN)))
        .join(", ");
    s +=
      `\n**Against plain Node, same run: Berth's Node router serves ${pct(f.ratios.nodeToPlainNode)} of the requests/s of the ` +
      `plain Node proxy** (per round: ${perRoundVs("node", "plainNode")}; CPU per request ${us(f.targets.node.cpuUsPerRequest)} ` +
      `vs ${us(f.targets.plainNode?.cpuUsPerRequest ?? Number.NaN)}), with routing, retries, ejections, the sticky cookie and ` +
      "metrics on top: the gap to nginx is Node's own. " +
      `**Per-deployment traffic metrics** (progressive releases) keep ${pct(f.ratios.metricsOnToOff)} of the requests/s of the same router without them (goal ≥ 95 %, i.e. < 5 % overhead; per round: ${perRoundVs("node", "nodeBare")}).\n`;
  }
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
  s += "\n\nSQLite's query plan of each listing is in the JSON (`queryPlans`).\n";
  const l = f.lifecycle;
  if (l) {
    s += `\n**What was live at T.** ${l.method} Seeding took ${secs(l.seedMs)}.\n\n`;
    s += table(
      ["query", "store function (goal < 10 ms)", "gRPC API", "through the BFF (goal < 100 ms)"],
      [
        [
          `live at a random instant, ${num(l.events)} events`,
          ms(l.liveAtMs.storeMs),
          ms(l.liveAtMs.apiMs),
          ms(l.liveAtMs.bffMs),
        ],
      ],
    );
    s += "\n";
  }
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
        `**${ms(f.deploymentListMs.median)}** (${runsLabel(f.deploymentListMs.samples.length)}: ${f.deploymentListMs.samples.map(ms).join(", ")})`,
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
  s += `\n\ngzip -9 saves ${pct(saved)} of the first-load JS's raw bytes.`;
  s += "\n";
  return s;
}

function grpcPeerSection(r: BenchResults): string {
  const f = r.figures.grpcPeer;
  let s = "## 8. connect-node vs grpc-js\n\n";
  if (!f) return s + missing("grpcPeer", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  const row = (label: string, x: PeerSample, unit: string): (string | number)[] => [
    label,
    `${num(x.perSecond)} ${unit}/s`,
    us(x.serverCpuUs),
    us(x.clientCpuUs),
  ];
  s += table(
    [
      "server (same proto, same client)",
      `throughput (${runsLabel(f.rounds)})`,
      "server CPU per call/message",
      "client CPU per call/message",
    ],
    [
      row("unary Check: **connect-node** (Berth's server library)", f.medians.unary.connect, "calls"),
      row("unary Check: grpc-js (peer)", f.medians.unary["grpc-js"], "calls"),
      row("streaming Watch: **connect-node**", f.medians.streaming.connect, "messages"),
      row("streaming Watch: grpc-js", f.medians.streaming["grpc-js"], "messages"),
    ],
  );
  const perRound = (k: "unary" | "streaming") =>
    f.samples[k].connect
      .map((x, i) => pct(x.perSecond / (f.samples[k]["grpc-js"][i]?.perSecond ?? Number.NaN)))
      .join(", ");
  s +=
    `\n\n**connect-node reaches ${pct(f.ratios.unaryConnectToGrpcJs)} of grpc-js on unary calls** (per round: ${perRound("unary")}; the goal is ≥ 67 %) ` +
    `and ${pct(f.ratios.streamingConnectToGrpcJs)} on streamed messages (per round: ${perRound("streaming")}).\n`;
  return s;
}

function dataPlaneSection(r: BenchResults): string {
  const f = r.figures.dataPlane;
  let s = "## 10. Data plane under change\n\n";
  if (!f) return s + missing("dataPlane", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  const row = (label: string, c: DataPlaneResult["changes"]["release"]): (string | number)[] => [
    label,
    num(c.requests),
    c.failed,
    c.examples.length > 0 ? c.examples.join("; ") : "—",
  ];
  s += table(
    [
      "change under a steady load (one run each)",
      "requests in the window",
      "failed (goal 0)",
      "first failures",
    ],
    [
      row("rollback", f.changes.rollback),
      row("release", f.changes.release),
      row("three config changes in a row", f.changes.config),
    ],
  );
  s +=
    `\n\n**Router killed (SIGKILL) → the app URL answers again through its restarted process:** median ` +
    `${ms(f.routerRecoveryMedianMs)} (${runsLabel(f.routerRecoveryMs.length)}: ${f.routerRecoveryMs.map((x) => ms(x)).join(", ")}; the goal is < 1 s). ` +
    "The restarted router serves its saved route table before it has reached the server.\n";
  return s;
}

function platformsSection(r: BenchResults): string {
  const f = r.figures.platforms;
  let s = "## 11. Process vs Docker\n\n";
  if (!f) return s + missing("platforms", r);
  s += `${conditions(f)}\n\n**Method.** ${f.method}\n\n`;
  if (f.count < 10) s += `**The issue asks for count = 10; this run measured ${f.count}** (a quick run).\n\n`;
  if (!f.docker)
    s += `**Docker was not measured:** ${f.dockerError ?? "no engine"}. The process figures stand alone.\n\n`;
  const phases = (p: Record<string, number>) =>
    Object.entries(p)
      .map(([k, v]) => `${k} ${secs(v)}`)
      .join(", ");
  const mem = (x: { median: number; max: number } | undefined) =>
    x ? `${num(x.median, 1)} MB (max ${num(x.max, 1)})` : "—";
  const col = (p: PlatformFigures | undefined, cell: (p: PlatformFigures) => string) => (p ? cell(p) : "—");
  const rows: [string, (p: PlatformFigures) => string][] = [
    [
      `cold \`up\` → all ${f.count} healthy (one run)`,
      (p) => `${secs(p.cold.totalMs)} (${phases(p.cold.phasesMs)})`,
    ],
    [
      `warm \`up\` → all ${f.count} healthy (${runsLabel(f.process.warm.runs)})`,
      (p) => `${secs(p.warm.totalMs.median)} (${phases(p.warm.phasesMs)})`,
    ],
    ["RSS per instance (entrypoint + sh + app), warm runs", (p) => mem(p.warm.rssMbPerInstance)],
    ["of which anonymous (RssAnon: not shared)", (p) => mem(p.warm.anonMbPerInstance)],
    ["memory cgroup per container (incl. page cache)", (p) => mem(p.warm.cgroupMbPerInstance)],
  ];
  s += table(
    ["figure", "process", "docker"],
    rows.map(([label, cell]) => [label, col(f.process, cell), col(f.docker, cell)]),
  );
  if (f.docker) {
    const e = f.docker.engine;
    s +=
      `\n\n**The engine itself** (after the last run, ${e.shims} containers running): dockerd ${num(e.dockerdMb, 1)} MB, ` +
      `its containerd ${num(e.containerdMb, 1)} MB, the ${e.shims} containerd shims ${num(e.shimsMb, 1)} MB in all ` +
      `(${num(e.shims ? e.shimsMb / e.shims : Number.NaN, 1)} MB each) — RSS the process platform does not pay.\n`;
  } else s += "\n";
  return s;
}

function summary(r: BenchResults): string {
  const {
    logs,
    terminal,
    deploySpeed,
    scale,
    router,
    history,
    dashboard,
    grpcPeer,
    dataPlane,
    proxies,
    platforms,
  } = r.figures;
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
    ...(logs?.byInstances ?? [])
      .filter((b) => b.instances > 1)
      .map((b) => [
        `log line write → follower (gRPC), ${b.instances} instances × 10 lines/s, p50 / p99`,
        `${ms(b.latency.p50)} / ${ms(b.latency.p99)}`,
        "—",
        "—",
      ]),
    [
      `log lines/s sustained ${logs?.stageSeconds ? `${logs.stageSeconds} s ` : ""}with nothing skipped (server + BFF CPU per line)`,
      logs
        ? `${num(logs.sustainedLinesPerSecond)} (${us(logs.stages.find((st) => st.requestedLinesPerSecond === logs.sustainedLinesPerSecond)?.cpuUsPerLine?.stack)})`
        : "—",
      "—",
      "—",
    ],
    [
      `concurrent log followers of one deployment`,
      logs
        ? `${logs.followers100.followers}, all lines: ${logs.followers100.allReceived ? "yes" : "no"}`
        : "—",
      "cited, not this run: Loki's default, 10 tails",
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
      "cited, not this run: buildpack 55.5 s, `pkg` 4.67 s (section 3)",
      "—",
    ],
    [
      "`berth up` Express app (~5 MB node_modules), warm: build + push / total",
      deploySpeed?.express
        ? `${ms(deploySpeed.express.warm.phasesMs.build)} / ${secs(deploySpeed.express.warm.totalMs)}`
        : "—",
      "—",
      "—",
    ],
    [
      "`berth --version` (bundle), wall time",
      deploySpeed?.cliStart ? ms(deploySpeed.cliStart.versionMs.median) : "—",
      deploySpeed?.cliStart
        ? `goal < 400 ms; \`node -e 0\` ${ms(deploySpeed.cliStart.nodeBaselineMs.median)}`
        : "goal < 400 ms",
      "—",
    ],
    [
      "entrypoint per instance: RSS / CPU since start (section 3)",
      deploySpeed?.entrypoint
        ? `${num(deploySpeed.entrypoint.rssMb.median, 1)} MB / ${ms(deploySpeed.entrypoint.startCpuMs.median)}`
        : "—",
      "goal < 30 MB RSS",
      "—",
    ],
    [
      "artifact size: hello-node / Express app",
      deploySpeed
        ? `${num(deploySpeed.warm.artifactBytes / 1024, 1)} KiB / ${deploySpeed.express ? `${num(deploySpeed.express.warm.artifactBytes / 1024, 1)} KiB` : "—"}`
        : "—",
      "cited, not this run: 1,075 MB / 46 MB (section 3)",
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
      `${platforms?.count ?? 10} instances, warm \`up\` → all healthy: process platform vs docker (section 11)`,
      platforms ? secs(platforms.process.warm.totalMs.median) : "—",
      platforms?.docker ? `docker ${secs(platforms.docker.warm.totalMs.median)}` : "—",
      platforms?.docker
        ? times(platforms.docker.warm.totalMs.median / platforms.process.warm.totalMs.median)
        : "—",
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
      "failed requests at 200 req/s during rollback / release / 3 config changes",
      dataPlane
        ? `${dataPlane.changes.rollback.failed} / ${dataPlane.changes.release.failed} / ${dataPlane.changes.config.failed}`
        : "—",
      "goal 0",
      "—",
    ],
    [
      "router SIGKILLed → app URL answers again (supervisor restart)",
      dataPlane ? ms(dataPlane.routerRecoveryMedianMs) : "—",
      "goal < 1 s",
      "—",
    ],
    [
      "data plane requests/s (proxy CPU per request): native haproxy / Node router",
      proxies
        ? `${num(proxies.targets.haproxy.requestsPerSecond)} (${us(proxies.targets.haproxy.cpuUsPerRequest)}) / ${num(proxies.targets.node.requestsPerSecond)} (${us(proxies.targets.node.cpuUsPerRequest)})`
        : "—",
      proxies
        ? `nginx ${num(proxies.targets.nginx.requestsPerSecond)} (${us(proxies.targets.nginx.cpuUsPerRequest)})`
        : "—",
      proxies ? `${pct(proxies.ratios.haproxyToNginx)} / ${pct(proxies.ratios.nodeToNginx)}` : "—",
    ],
    [
      `history newest page, ${num(history?.deployments)} deployments: store / API / BFF`,
      history
        ? `${ms(history.serverSideMs.newestPage)} / ${ms(history.apiMs.newestPage)} / ${ms(history.bffMs?.newestPage)}`
        : "—",
      "—",
      "—",
    ],
    [
      "gRPC unary calls/s: connect-node (server CPU per call)",
      grpcPeer
        ? `${num(grpcPeer.medians.unary.connect.perSecond)} (${us(grpcPeer.medians.unary.connect.serverCpuUs)})`
        : "—",
      grpcPeer
        ? `grpc-js ${num(grpcPeer.medians.unary["grpc-js"].perSecond)} (${us(grpcPeer.medians.unary["grpc-js"].serverCpuUs)})`
        : "—",
      grpcPeer ? pct(grpcPeer.ratios.unaryConnectToGrpcJs) : "—",
    ],
    ["dashboard first-load JS, gzipped", dashboard ? kb(dashboard.bundle.gzipBytes) : "—", "—", "—"],
    [
      "deployment list interactive (Chromium, cold)",
      dashboard ? ms(dashboard.deploymentListMs.median) : "—",
      "—",
      "—",
    ],
  ];
  return table(["figure", "Berth", "limit / peer (this run unless marked cited)", "ratio"], rows);
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
      "run, and CPU per request or line, are what count**. Every figure on this page was measured by the bench " +
      "(each section gives its own date and conditions: `--sections` reruns some and keeps the others), " +
      "except those marked **cited**, which name their source. Each figure says how many runs it comes from: a " +
      'median is of 5 runs or more, and a figure from a single run says "one run"; every section states its ' +
      "method. Everything talks to 127.0.0.1 only.",
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
    grpcPeerSection(r),
    proxiesSection(r),
    dataPlaneSection(r),
    platformsSection(r),
  ].join("\n");
}

import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";

/** What `berth init` found about the app in a directory. */
export interface DetectedApp {
  project: string;
  app: string;
  buildCommand: string;
  startCommand: string;
}

function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/^@[^/]+\//, "")
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return s || "app";
}

/** Looks at package.json (a Node app) to pick names and commands; other directories get placeholders. */
export async function detectApp(dir: string): Promise<DetectedApp> {
  const pkgText = await readFile(join(dir, "package.json"), "utf8").catch(() => undefined);
  const project = slug(basename(dir));
  if (pkgText === undefined) return { project, app: "web", buildCommand: "", startCommand: "./start.sh" };
  const pkg = JSON.parse(pkgText) as {
    name?: string;
    main?: string;
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
  const hasLock = await readFile(join(dir, "package-lock.json")).then(
    () => true,
    () => false,
  );
  const hasDeps = Object.keys(pkg.dependencies ?? {}).length > 0;
  const install = hasDeps ? (hasLock ? "npm ci --omit=dev" : "npm install --omit=dev") : "";
  const build = pkg.scripts?.build ? "npm run build" : "";
  const startCommand = pkg.scripts?.start ? "npm start" : `node ${pkg.main ?? "index.js"}`;
  return {
    project,
    app: slug(pkg.name ?? "web"),
    buildCommand: [install, build].filter(Boolean).join(" && "),
    startCommand,
  };
}

/** Renders the berth.hcl that `berth init` writes. */
export function renderBerthHcl(d: DetectedApp): string {
  return `project = "${d.project}"

app "${d.app}" {
  build {
    use "archive" {
      # Runs in a clean copy of your git-tracked files; node_modules is cached by lockfile hash.
      command = "${d.buildCommand}"
    }
  }

  deploy {
    use "process" {
      # Listen on $PORT.
      command = "${d.startCommand}"
      count   = 1
      health {
        path     = "/"
        interval = "1s"
        timeout  = "2s"
      }
    }
  }

  config {
    env = {
      GREETING = "hello from berth"
    }
  }
}
`;
}

// What the browser downloads for the first page: index.html's entry module and everything it imports statically
// (transitively), gzipped. Dynamic import() chunks (lazy pages) are listed apart.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export interface BundleFigures {
  entry: string;
  staticChunks: string[];
  rawBytes: number;
  gzipBytes: number;
  cssGzipBytes: number;
}

const staticImport = /(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']/g;

/** Follows the static imports of the entry chunk named in dist/index.html. */
export function firstLoadBundle(distDir: string): BundleFigures {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const entry = /<script[^>]+type="module"[^>]+src="\/?([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error(`no module script in ${distDir}/index.html`);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/?([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(distDir, file), "utf8");
    const dir = file.slice(0, file.lastIndexOf("/") + 1);
    for (const m of code.matchAll(staticImport)) {
      const spec = m[1]!;
      if (spec.startsWith("./")) visit(dir + spec.slice(2));
      else if (spec.startsWith("/")) visit(spec.slice(1));
    }
  };
  visit(entry);
  for (const p of preloads) visit(p);
  let raw = 0;
  let gz = 0;
  for (const f of seen) {
    const buf = readFileSync(join(distDir, f));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="\/?([^"]+)"/g)].map((m) => m[1]!);
  const cssGzipBytes = css.reduce(
    (a, f) => a + gzipSync(readFileSync(join(distDir, f)), { level: 9 }).length,
    0,
  );
  return { entry, staticChunks: [...seen].slice(1), rawBytes: raw, gzipBytes: gz, cssGzipBytes };
}

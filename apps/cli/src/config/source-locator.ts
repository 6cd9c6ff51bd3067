/** A 1-based position in a source file. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** Converts a 0-based character offset into a 1-based line and column. */
export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Finds where a path of block types, labels and attribute names (e.g. ["app", "web", "deploy", "use",
 * "process", "count"]) appears in HCL source. The JSON the HCL library returns carries no positions, so
 * errors found while validating it are pointed back at the text by searching for each segment in turn.
 * Falls back to the deepest segment found (or 1:1).
 */
export function locatePath(source: string, path: readonly string[]): SourcePosition {
  const text = stripComments(source);
  let offset = 0;
  let found = -1;
  for (const segment of path) {
    const name = escapeRegExp(segment);
    const re = new RegExp(`(?<![\\w-])${name}(?![\\w-])|"${name}"`, "g");
    re.lastIndex = offset;
    const match = re.exec(text);
    if (!match) break;
    found = match.index;
    offset = match.index + match[0].length;
  }
  return found < 0 ? { line: 1, col: 1 } : positionAt(source, found);
}

/** Blanks out `#` and `//` line comments (keeping offsets) so names inside comments are not matched. */
function stripComments(source: string): string {
  return source.replace(
    /(^|[^:"])(#|\/\/)[^\n]*/g,
    (m, pre: string) => pre + " ".repeat(m.length - pre.length),
  );
}

import Anser from "anser";
import type { CSSProperties } from "react";

/** One run of text with the styles its ANSI codes asked for. */
export interface AnsiSegment {
  text: string;
  style?: CSSProperties;
}

const esc = "\u001b";

/** Splits ANSI-coloured text into styled segments. Pure: the text is never interpreted as HTML. */
export function parseAnsi(text: string): AnsiSegment[] {
  if (!text.includes(esc)) return [{ text }];
  const out: AnsiSegment[] = [];
  for (const entry of Anser.ansiToJson(text, { json: true, remove_empty: true })) {
    const style: CSSProperties = {};
    const fg = entry.fg_truecolor || entry.fg;
    const bg = entry.bg_truecolor || entry.bg;
    if (fg) style.color = `rgb(${fg})`;
    if (bg) style.backgroundColor = `rgb(${bg})`;
    const decorations = entry.decorations ?? [];
    if (decorations.includes("bold")) style.fontWeight = 600;
    if (decorations.includes("dim")) style.opacity = 0.7;
    if (decorations.includes("italic")) style.fontStyle = "italic";
    if (decorations.includes("underline")) style.textDecoration = "underline";
    if (decorations.includes("strikethrough")) style.textDecoration = "line-through";
    out.push(Object.keys(style).length > 0 ? { text: entry.content, style } : { text: entry.content });
  }
  return out;
}

/** Renders text with ANSI colours as React text nodes inside spans (safe for untrusted app output). */
export function AnsiText({ text, highlight }: { text: string; highlight?: RegExp | undefined }) {
  const segments = parseAnsi(text);
  return (
    <>
      {segments.map((segment, i) => (
        // Segments have no identity beyond their position in the line.
        // biome-ignore lint/suspicious/noArrayIndexKey: position is the identity here
        <span key={i} style={segment.style}>
          {highlight ? <Highlighted text={segment.text} pattern={highlight} /> : segment.text}
        </span>
      ))}
    </>
  );
}

/** Wraps matches of `pattern` in <mark>, as text nodes. */
export function Highlighted({ text, pattern }: { text: string; pattern: RegExp }) {
  const flags = pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`;
  const re = new RegExp(pattern.source, flags);
  const parts: Array<string | { match: string }> = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0] === "") break;
    const index = m.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push({ match: m[0] });
    last = index + m[0].length;
  }
  if (parts.length === 0) return <>{text}</>;
  if (last < text.length) parts.push(text.slice(last));
  return (
    <>
      {parts.map((part, i) =>
        typeof part === "string" ? (
          part
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: position is the identity here
          <mark key={i} className="rounded-sm bg-yellow-300/70 text-inherit dark:bg-yellow-500/40">
            {part.match}
          </mark>
        ),
      )}
    </>
  );
}

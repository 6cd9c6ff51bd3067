// Text that came from the server (commit messages, names, app output) must not drive the user's terminal:
// an OSC 8 link, a title change, a cursor move or a bidi override in a commit message would otherwise run
// in whoever reads `berth deployments`.

/** What sanitizeText keeps; everything else that controls a terminal is removed. */
export interface SanitizeOptions {
  /** Keep SGR colour/style sequences (`ESC [ … m`): an app's own coloured log output. Default false. */
  keepSgr?: boolean;
  /** Keep newlines (default true); false turns them into spaces, as a table cell needs. */
  keepNewlines?: boolean;
  /** Keep tabs (default true); false turns them into spaces. */
  keepTabs?: boolean;
}

// One alternation, tried left to right at each ESC / 8-bit introducer:
//  - OSC, DCS, SOS, PM, APC strings up to their terminator (BEL or ST), or to the end when unterminated;
//  - CSI (7-bit and 8-bit) with its parameters, intermediates and final byte, or unfinished at the end;
//  - any other escape: ESC, intermediates, one final byte (or a lone ESC at the end).
const controlSequence =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|(?:\u001b\[|\u009b)[0-?]*[ -/]*(?:[@-~]|$)|\u001b[ -/]*[0-~]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const sgr = /^\u001b\[[0-9;:]*m$/;
// C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides, isolates and marks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const loneControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` without terminal control sequences, control characters or bidi overrides (see SanitizeOptions). */
export function sanitizeText(text: string, options: SanitizeOptions = {}): string {
  const { keepSgr = false, keepNewlines = true, keepTabs = true } = options;
  let out = text.replace(controlSequence, (seq) => (keepSgr && sgr.test(seq) ? seq : ""));
  if (!keepNewlines) out = out.replace(/\r?\n/g, " ");
  if (!keepTabs) out = out.replace(/\t/g, " ");
  // SGR sequences kept above contain ESC; protect them from the lone-control pass.
  if (!keepSgr) return out.replace(loneControl, "");
  return (
    out
      // biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC
      .split(/(\u001b\[[0-9;:]*m)/)
      .map((part, i) => (i % 2 === 1 ? part : part.replace(loneControl, "")))
      .join("")
  );
}

/** What the browser asks for in its first text frame. */
export interface ExecStartRequest {
  deploymentId: string;
  instanceId: string;
  /** argv of the command to run. */
  args: string[];
  cols: number;
  rows: number;
  tty: boolean;
}

/** A control frame the browser may send after the start frame. */
export type ExecControlFrame =
  | { type: "resize"; cols: number; rows: number }
  | { type: "signal"; signal: string }
  | { type: "stdin"; data: string }
  | { type: "close_stdin" };

/** A frame that could not be understood, with words for the browser. */
export interface FrameError {
  error: string;
}

/** The shell a start frame without a command gets. */
export const defaultShell = ["/bin/sh"];

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
const signalPattern = /^SIG[A-Z0-9]{2,10}$/;

type Parsed = { frame: Record<string, unknown> } | FrameError;

function parseJsonObject(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: `expected a JSON object, got: ${JSON.stringify(text.slice(0, 60))}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: "expected a JSON object" };
  }
  return { frame: value as Record<string, unknown> };
}

function windowSize(value: unknown, field: string): number | FrameError {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 1000) {
    return { error: `${field} must be an integer from 1 to 1000, got ${JSON.stringify(value)}` };
  }
  return value;
}

/** Parses the first frame: `{deploymentId, instanceId?, command, cols, rows, tty?}`. */
export function parseStartFrame(text: string): ExecStartRequest | FrameError {
  const parsed = parseJsonObject(text);
  if (!("frame" in parsed)) return parsed;
  const { frame } = parsed;
  const deploymentId = frame.deploymentId ?? "";
  const instanceId = frame.instanceId ?? "";
  if (typeof deploymentId !== "string" || (deploymentId !== "" && !idPattern.test(deploymentId))) {
    return { error: `deploymentId is not a valid id: ${JSON.stringify(deploymentId)}` };
  }
  if (typeof instanceId !== "string" || (instanceId !== "" && !idPattern.test(instanceId))) {
    return { error: `instanceId is not a valid id: ${JSON.stringify(instanceId)}` };
  }
  if (!deploymentId && !instanceId) return { error: "give deploymentId (and optionally instanceId)" };

  let args: string[];
  const command = frame.command;
  if (command === undefined || command === "" || (Array.isArray(command) && command.length === 0)) {
    args = defaultShell;
  } else if (typeof command === "string") {
    // A command line as typed: the shell parses it (pipes, `;`, quoting) like in a terminal.
    args = ["/bin/sh", "-c", command];
  } else if (Array.isArray(command) && command.every((a) => typeof a === "string") && command.length <= 256) {
    args = command;
  } else {
    return { error: "command must be a string or an array of at most 256 strings" };
  }
  if (args.some((a) => a.length > 64 * 1024)) return { error: "a command argument is longer than 64 KiB" };

  const cols = windowSize(frame.cols ?? 80, "cols");
  if (typeof cols !== "number") return cols;
  const rows = windowSize(frame.rows ?? 24, "rows");
  if (typeof rows !== "number") return rows;
  const tty = frame.tty === undefined ? true : frame.tty;
  if (typeof tty !== "boolean") return { error: "tty must be true or false" };
  return { deploymentId, instanceId, args, cols, rows, tty };
}

/** Parses a control text frame sent after the start frame. */
export function parseControlFrame(text: string): ExecControlFrame | FrameError {
  const parsed = parseJsonObject(text);
  if (!("frame" in parsed)) return parsed;
  const { frame } = parsed;
  switch (frame.type) {
    case "resize": {
      const cols = windowSize(frame.cols, "cols");
      if (typeof cols !== "number") return cols;
      const rows = windowSize(frame.rows, "rows");
      if (typeof rows !== "number") return rows;
      return { type: "resize", cols, rows };
    }
    case "signal":
      if (typeof frame.signal !== "string" || !signalPattern.test(frame.signal)) {
        return { error: `signal must be a name such as "SIGINT", got ${JSON.stringify(frame.signal)}` };
      }
      return { type: "signal", signal: frame.signal };
    case "stdin":
      if (typeof frame.data !== "string") return { error: "stdin frames carry their text in data" };
      return { type: "stdin", data: frame.data };
    case "close_stdin":
      return { type: "close_stdin" };
    default:
      return {
        error: `unknown control frame type ${JSON.stringify(frame.type)}; expected resize, signal, stdin or close_stdin`,
      };
  }
}

/** True when a parse result is an error. */
export function isFrameError(value: ExecStartRequest | ExecControlFrame | FrameError): value is FrameError {
  return "error" in value;
}

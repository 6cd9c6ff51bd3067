// haproxy's runtime API (the "stats socket" at level admin): one command per connection, its answer read to EOF.
import { connect } from "node:net";

/** A runtime API command haproxy refused or answered with something we did not expect. */
export class RuntimeApiError extends Error {
  constructor(
    readonly command: string,
    readonly answer: string,
  ) {
    super(`haproxy runtime API: "${command}" failed: ${answer.trim() || "(empty answer)"}`);
    this.name = "RuntimeApiError";
  }
}

export interface RuntimeApi {
  /** Sends one command and returns its raw answer (throws only on socket errors). */
  send(command: string): Promise<string>;
  /** Sends a command whose success is the empty answer, or `set server … addr`'s report; throws otherwise. */
  run(command: string): Promise<void>;
  /**
   * Runs commands in order over one connection (haproxy's interactive "prompt" mode, no connect per command),
   * stopping at the first one that fails.
   */
  runAll(commands: readonly string[]): Promise<void>;
}

// What `set server <b>/<s> addr <ip> port <n>` answers when it worked (haproxy 2.6 src/server.c):
// "IP changed from 'a' to 'b', port changed from '1' to '2' by 'stats socket command'" and the "no need to
// change the addr/port" variants. Anything else (e.g. "No such server.") is an error.
const addrChanged =
  /^(IP changed from '[^']*' to '[^']*'|no need to change the addr)(, (port changed from '[^']*' to '[^']*'|no need to change the port))? by 'stats socket command'$/;

/** Checks a runtime answer strictly: the empty answer, or for `set server … addr` its success report. */
export function checkAnswer(command: string, answer: string): void {
  const text = answer.trim();
  if (text === "") return;
  if (/^set server \S+ addr /.test(command) && addrChanged.test(text)) return;
  throw new RuntimeApiError(command, answer);
}

function checkCommand(command: string): void {
  // ';' separates commands and a newline ends one: a value carrying either would run something else.
  if (/[;\n\r]/.test(command))
    throw new Error(`haproxy runtime API: refusing a command with ';' or a newline: ${command}`);
}

// In interactive mode every answer, the empty one included, is followed by this prompt.
const prompt = "\n> ";

/** Runs `commands` one after the other on one interactive connection; rejects at the first failure. */
function runInteractive(socketPath: string, commands: readonly string[], timeoutMs: number): Promise<void> {
  for (const c of commands) checkCommand(c);
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = "";
    // -1: waiting for the prompt that answers "prompt" itself.
    let current = -1;
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    const next = () => {
      current++;
      if (current === commands.length) {
        socket.end("quit\n");
        resolve();
        return;
      }
      answer = "";
      socket.write(`${commands[current]}\n`);
    };
    socket.setEncoding("utf8");
    socket.setTimeout(timeoutMs, () =>
      fail(
        new Error(`haproxy runtime API: no answer to "${commands[current] ?? "prompt"}" in ${timeoutMs} ms`),
      ),
    );
    socket.on("connect", () => socket.write("prompt\n"));
    socket.on("data", (d: string) => {
      answer += d;
      if (!answer.endsWith(prompt)) return;
      const command = commands[current];
      if (command !== undefined) {
        try {
          checkAnswer(command, answer.slice(0, -prompt.length));
        } catch (e) {
          fail(e as Error);
          return;
        }
      }
      next();
    });
    socket.on("error", (err) =>
      reject(
        new Error(
          `haproxy runtime API: connection lost at "${commands[current] ?? "prompt"}": ${err.message}`,
          { cause: err },
        ),
      ),
    );
    socket.on("close", () => {
      if (current < commands.length)
        reject(new Error(`haproxy runtime API: connection closed at "${commands[current] ?? "prompt"}"`));
    });
  });
}

/** A client for the runtime API socket at `socketPath`. */
export function createRuntimeApi(socketPath: string, timeoutMs = 5000): RuntimeApi {
  function send(command: string): Promise<string> {
    checkCommand(command);
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      let answer = "";
      socket.setEncoding("utf8");
      socket.setTimeout(timeoutMs, () =>
        socket.destroy(new Error(`haproxy runtime API: no answer to "${command}" in ${timeoutMs} ms`)),
      );
      socket.on("connect", () => socket.end(`${command}\n`));
      socket.on("data", (d: string) => {
        answer += d;
      });
      socket.on("error", (err) =>
        reject(
          new Error(`haproxy runtime API: "${command}" could not be sent: ${err.message}`, { cause: err }),
        ),
      );
      socket.on("close", (hadError) => {
        if (!hadError) resolve(answer);
      });
    });
  }
  return {
    send,
    async run(command) {
      checkAnswer(command, await send(command));
    },
    runAll: (commands) =>
      commands.length === 0 ? Promise.resolve() : runInteractive(socketPath, commands, timeoutMs),
  };
}

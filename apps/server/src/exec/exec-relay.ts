import type { EntrypointExecRequest, EntrypointExecResponse } from "@berth/proto";
import type { PushQueue } from "@berth/streams";
import { Code, ConnectError } from "@connectrpc/connect";

/** The entrypoint's half of an exec session, once its EntrypointExec stream arrived. */
export interface EntrypointExecSide {
  /** What the entrypoint sends after the session id: output, exit, error. */
  fromEntrypoint: AsyncIterator<EntrypointExecRequest>;
  /** What goes down to it: stdin, resize, close_stdin, signal. End it to close the stream. */
  toEntrypoint: PushQueue<EntrypointExecResponse>;
}

interface Pending {
  deploymentId: string;
  resolve(side: EntrypointExecSide): void;
}

/** Pairs a client's StartExecStream with the EntrypointExec stream the entrypoint opens for it. */
export interface ExecRelay {
  /** Waits for the entrypoint of `deploymentId` to open the stream of `sessionId`. */
  expect(
    sessionId: string,
    deploymentId: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<EntrypointExecSide>;
  /** Hands an entrypoint's stream to the waiting client; checks the session belongs to its deployment. */
  attach(sessionId: string, callerDeploymentId: string, side: EntrypointExecSide): void;
  /** Sessions waiting for their entrypoint. */
  readonly pending: number;
}

/** Creates the exec relay of one server. */
export function createExecRelay(): ExecRelay {
  const waiting = new Map<string, Pending>();
  return {
    expect(sessionId, deploymentId, timeoutMs, signal) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            done(
              new ConnectError(
                `the instance's entrypoint did not open the exec stream within ${timeoutMs} ms`,
                Code.Unavailable,
              ),
            ),
          timeoutMs,
        );
        const onAbort = () => done(new ConnectError("exec cancelled before it started", Code.Canceled));
        signal.addEventListener("abort", onAbort, { once: true });
        function done(err: Error | undefined, side?: EntrypointExecSide) {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          waiting.delete(sessionId);
          if (side) resolve(side);
          else reject(err);
        }
        waiting.set(sessionId, { deploymentId, resolve: (side) => done(undefined, side) });
      });
    },
    attach(sessionId, callerDeploymentId, side) {
      const p = waiting.get(sessionId);
      if (!p)
        throw new ConnectError(`exec session "${sessionId}" is not waiting for an entrypoint`, Code.NotFound);
      if (p.deploymentId !== callerDeploymentId) {
        throw new ConnectError(
          `exec session "${sessionId}" belongs to another deployment`,
          Code.PermissionDenied,
        );
      }
      p.resolve(side);
    },
    get pending() {
      return waiting.size;
    },
  };
}

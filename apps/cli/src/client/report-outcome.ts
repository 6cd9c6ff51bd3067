import { setTimeout as sleep } from "node:timers/promises";
import { isConnectionLost } from "@berth/failover";
import { ConnectError } from "@connectrpc/connect";
import { outcomeUnknownSentence } from "./connection-lost.js";

/** How long to keep trying to reach the server again to say what is true now. */
const reconnectForMs = Number(process.env.BERTH_RECONNECT_MS) || 15_000;

/**
 * What `now()` reports once the server answers again (a dropped connection is retried with backoff for a
 * while), or a sentence saying it is still out of reach.
 */
export async function describeAfterReconnect(now: () => Promise<string>, hint: string): Promise<string> {
  const deadline = Date.now() + reconnectForMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return `Now: ${await now()}.`;
    } catch (e) {
      const err = ConnectError.from(e);
      if (!isConnectionLost(err) || Date.now() > deadline) {
        return `The server is not answering now (${err.rawMessage}); ${hint} once it is back.`;
      }
      await sleep(Math.min(2000, 250 * 2 ** attempt));
    }
  }
}

/**
 * Runs a change (release, rollback, deploy, config set). If the connection dropped after it was sent, the error
 * says that its outcome is unknown and what the server says is true now, instead of "cannot reach the server".
 */
export async function reportUnknownOutcome<T>(
  change: () => Promise<T>,
  now: () => Promise<string>,
  hint: string,
): Promise<T> {
  try {
    return await change();
  } catch (e) {
    const sentence = outcomeUnknownSentence(e);
    if (!sentence) throw e;
    throw new Error(`${sentence}. ${await describeAfterReconnect(now, hint)}`, { cause: e });
  }
}

import type { DescMethod } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { ConnectError, type Transport } from "@connectrpc/connect";
import { type BackoffOptions, backoffDelayMs, sleep } from "./backoff.js";
import { isConnectionLost, isServerUnavailable, neverSent } from "./call-failure.js";

export interface FailoverTransportOptions {
  /** Server origins, in order of preference (parseServerAddresses). */
  addresses: string[];
  /** The real transport to one address (made once per address; it owns that address's HTTP/2 session). */
  transportFor(address: string): Transport;
  /** How many times each address is tried for one call before its last error is thrown (default 2). */
  rounds?: number;
  /** Pause before each retry: jittered, growing with the attempt (default 100 ms doubling to 2 s). */
  backoff?: BackoffOptions;
  /** Called when calls move from one address to the next, for the process's log. */
  onFailover?(from: string, to: string, reason: ConnectError): void;
}

/** A transport over several servers that moves to the next one when the current one fails. */
export interface FailoverTransport extends Transport {
  /** The address calls go to now. */
  readonly address: string;
  readonly addresses: readonly string[];
}

/**
 * May a call that reached a server (or may have) be sent again? Only when the API declares the method free of
 * side effects or idempotent (`option idempotency_level` in the .proto).
 */
export function isRetrySafe(method: DescMethod): boolean {
  return method.idempotency !== MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN;
}

/**
 * Calls go to one address until it fails to answer (connection refused or lost, or Unavailable), then to the next,
 * all of them sharing where they are. A unary call is retried on the next address when the request cannot have
 * been sent, or when its method is declared retry-safe; so is the opening of a server stream. A stream that breaks
 * after it opened is the caller's to resume (with its cursor): the next call goes to the next address.
 */
export function createFailoverTransport(options: FailoverTransportOptions): FailoverTransport {
  const { addresses } = options;
  if (addresses.length === 0) throw new Error("createFailoverTransport: no server addresses");
  const transports = addresses.map((a) => options.transportFor(a));
  const attempts = addresses.length * (options.rounds ?? 2);
  const backoff = { baseMs: 100, maxMs: 2_000, ...options.backoff };
  let current = 0;

  /** Whether `err` from address `index` is one to move on from; moves the shared position once per failure. */
  function noteFailure(index: number, signal: AbortSignal | undefined, err: ConnectError): boolean {
    // A caller that gives up on a silent server aborts with an Unavailable reason: that is a failure too.
    if (signal?.aborted && !isServerUnavailable(signal.reason)) return false;
    if (!(isConnectionLost(err) || isServerUnavailable(err))) return false;
    if (current === index && addresses.length > 1) {
      current = (index + 1) % addresses.length;
      options.onFailover?.(addresses[index]!, addresses[current]!, err);
    }
    return true;
  }

  async function withRetries<T>(
    method: DescMethod,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    call: (transport: Transport, index: number, timeoutMs: number | undefined) => Promise<T>,
  ): Promise<T> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const index = current;
      const left = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
      try {
        return await call(transports[index]!, index, left);
      } catch (e) {
        const err = ConnectError.from(e);
        const moveOn = noteFailure(index, signal, err);
        const mayResend = neverSent(err) || isRetrySafe(method);
        if (!moveOn || !mayResend || attempt >= attempts) throw e;
        await sleep(backoffDelayMs(attempt - 1, backoff), signal);
        if (signal?.aborted || (deadline !== undefined && Date.now() >= deadline)) throw e;
      }
    }
  }

  /** Passes a stream's messages through, moving on from its address if it breaks. */
  async function* watched<T>(index: number, signal: AbortSignal | undefined, messages: AsyncIterable<T>) {
    try {
      yield* messages;
    } catch (e) {
      noteFailure(index, signal, ConnectError.from(e));
      throw e;
    }
  }

  const transport: FailoverTransport = {
    get address() {
      return addresses[current]!;
    },
    addresses,
    unary(method, signal, timeoutMs, header, input, contextValues) {
      return withRetries(method, signal, timeoutMs, (t, _i, left) =>
        t.unary(method, signal, left, header, input, contextValues),
      );
    },
    async stream(method, signal, timeoutMs, header, input, contextValues) {
      // A server stream's one request can be sent again; client and bidi streams are consumed as they go,
      // so they are opened once and their callers reconnect (they all do: session, uploads, runner stream).
      const replayable = method.methodKind === "server_streaming" ? await collect(input) : undefined;
      const open = async (t: Transport, index: number, left: number | undefined) => {
        const res = await t.stream(
          method,
          signal,
          left,
          header,
          replayable ? iterate(replayable) : input,
          contextValues,
        );
        return { ...res, message: watched(index, signal, res.message) } as typeof res;
      };
      if (replayable) return withRetries(method, signal, timeoutMs, open);
      const index = current;
      try {
        return await open(transports[index]!, index, timeoutMs);
      } catch (e) {
        noteFailure(index, signal, ConnectError.from(e));
        throw e;
      }
    },
  };
  return transport;
}

async function collect<T>(input: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of input) items.push(item);
  return items;
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

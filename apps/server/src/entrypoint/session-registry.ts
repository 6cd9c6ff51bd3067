import type { EntrypointSessionResponseSchema } from "@berth/proto";
import type { MessageInitShape } from "@bufbuild/protobuf";

/** What an entrypoint last reported about its app. */
export interface AppReport {
  appState: string;
  appPid: number;
  exitCode: number;
  configRevision: number;
  restarts: number;
  /** Why the last config push could not be applied; empty once one applied. */
  configError: string;
  /** The revision configError is about. */
  configErrorRevision: number;
  /** The port the serving app listens on (0: not reported); moves when a config change replaces the app. */
  port: number;
}

/** One connected entrypoint: the control channel of one instance. */
export interface EntrypointSession {
  instanceId: string;
  deploymentId: string;
  project: string;
  app: string;
  connectedAt: number;
  /** Unique per connection (a reconnect of the same instance gets a new one). */
  connectionId: string;
  report: AppReport | undefined;
  /** Queues a message on the control channel. */
  send(msg: MessageInitShape<typeof EntrypointSessionResponseSchema>["msg"]): void;
  /** Ends the session (the entrypoint will reconnect). */
  close(reason: string): void;
}

export interface SessionFilter {
  instanceId?: string;
  deploymentId?: string;
  project?: string;
  app?: string;
}

/** Which instances have an entrypoint connected right now, and a way to talk to them. */
export interface SessionRegistry {
  /** Registers a session, replacing (and closing) an older one of the same instance. Returns its removal. */
  add(session: EntrypointSession): () => void;
  get(instanceId: string): EntrypointSession | undefined;
  isConnected(instanceId: string): boolean;
  list(filter?: SessionFilter): EntrypointSession[];
  /** Records a status report and wakes waiters. */
  report(instanceId: string, report: AppReport): void;
  /** Resolves with the first session matching `filter` (one connected now, or the next to connect); undefined on timeout or abort. */
  waitForSession(
    filter: SessionFilter,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<EntrypointSession | undefined>;
  /** How many waitForSession calls are waiting. */
  readonly waitingForSessions: number;
  /** Resolves true once the instance reports something matching, false on timeout, abort or disconnect. */
  waitForReport(
    instanceId: string,
    match: (r: AppReport) => boolean,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<boolean>;
}

/** What only a connected entrypoint knows about its instance, as live views show it. */
export function instanceLiveState(
  sessions: SessionRegistry,
  instanceId: string,
): { connected: boolean; configError: string } {
  const session = sessions.get(instanceId);
  return { connected: session !== undefined, configError: session?.report?.configError ?? "" };
}

/** Creates the registry of connected entrypoints of one server. */
export function createSessionRegistry(): SessionRegistry {
  const sessions = new Map<string, EntrypointSession>();
  const waiters = new Map<string, Set<() => void>>();
  const onAdd = new Set<(session: EntrypointSession) => void>();
  const matches = (s: EntrypointSession, filter: SessionFilter) =>
    (!filter.instanceId || s.instanceId === filter.instanceId) &&
    (!filter.deploymentId || s.deploymentId === filter.deploymentId) &&
    (!filter.project || s.project === filter.project) &&
    (!filter.app || s.app === filter.app);
  const wake = (instanceId: string) => {
    for (const w of waiters.get(instanceId) ?? []) w();
  };
  return {
    add(session) {
      const old = sessions.get(session.instanceId);
      sessions.set(session.instanceId, session);
      if (old && old !== session) old.close("replaced by a newer connection of the same instance");
      for (const listener of onAdd) listener(session);
      return () => {
        if (sessions.get(session.instanceId) === session) {
          sessions.delete(session.instanceId);
          wake(session.instanceId);
        }
      };
    },
    get: (id) => sessions.get(id),
    isConnected: (id) => sessions.has(id),
    list(filter = {}) {
      return [...sessions.values()].filter((s) => matches(s, filter));
    },
    get waitingForSessions() {
      return onAdd.size;
    },
    waitForSession(filter, { timeoutMs, signal }) {
      const now = [...sessions.values()].find((s) => matches(s, filter));
      if (now || signal?.aborted) return Promise.resolve(now);
      return new Promise((resolve) => {
        const listener = (s: EntrypointSession) => {
          if (matches(s, filter)) finish(s);
        };
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        const onAbort = () => finish(undefined);
        onAdd.add(listener);
        signal?.addEventListener("abort", onAbort, { once: true });
        function finish(s: EntrypointSession | undefined) {
          clearTimeout(timer);
          onAdd.delete(listener);
          signal?.removeEventListener("abort", onAbort);
          resolve(s);
        }
      });
    },
    report(instanceId, report) {
      const s = sessions.get(instanceId);
      if (s) s.report = report;
      wake(instanceId);
    },
    waitForReport(instanceId, match, { timeoutMs, signal }) {
      return new Promise((resolve) => {
        const check = () => {
          const s = sessions.get(instanceId);
          if (!s || signal?.aborted) return finish(false);
          if (s.report && match(s.report)) finish(true);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        let set = waiters.get(instanceId);
        if (!set) {
          set = new Set();
          waiters.set(instanceId, set);
        }
        const mine = set;
        mine.add(check);
        signal?.addEventListener("abort", check);
        function finish(ok: boolean) {
          clearTimeout(timer);
          mine.delete(check);
          if (mine.size === 0 && waiters.get(instanceId) === mine) waiters.delete(instanceId);
          signal?.removeEventListener("abort", check);
          resolve(ok);
        }
        check();
      });
    },
  };
}

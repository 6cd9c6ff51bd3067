import type { Session, SessionStore } from "./session-store.js";

export interface MemorySessionStoreOptions {
  /** How often expired sessions are swept out; expired ones are never returned in between. */
  sweepIntervalMs?: number;
  /** Injected clock for tests. */
  now?: () => number;
}

/** Creates a session store in this process's memory; sessions end when the BFF restarts. */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const listeners: ((session: Session) => void)[] = [];
  const expired = (s: Session) => now() >= Math.min(s.expiresAt, s.absoluteExpiresAt);
  const drop = (s: Session) => {
    sessions.delete(s.id);
    for (const listener of listeners) listener(s);
  };
  const sweep = () => {
    for (const s of sessions.values()) if (expired(s)) drop(s);
  };
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  // The sweep must never keep a process alive on its own.
  timer.unref();

  return {
    async get(id) {
      const session = sessions.get(id);
      if (!session) return undefined;
      if (expired(session)) {
        drop(session);
        return undefined;
      }
      return session;
    },
    async set(session) {
      sessions.set(session.id, session);
    },
    async delete(id) {
      sessions.delete(id);
    },
    onExpired(listener) {
      listeners.push(listener);
    },
    async size() {
      sweep();
      return sessions.size;
    },
    async close() {
      clearInterval(timer);
      sessions.clear();
    },
  };
}

/** A person as an OIDC provider vouched for them at sign-in. */
export interface ExternalIdentity {
  /** The BFF's id of the provider. */
  provider: string;
  issuer: string;
  subject: string;
  email: string;
  groups: string[];
}

/** A signed-in browser: the server token lives here and never leaves the BFF. */
export interface Session {
  id: string;
  /** The server-issued login token the BFF calls the server with. */
  token: string;
  /** The token's id on the server (for logs and audit correlation). */
  tokenId: string;
  name: string;
  role: "viewer" | "deployer" | "admin";
  /** The session's CSRF token: mutating requests must echo it in X-CSRF-Token. */
  csrfToken: string;
  createdAt: number;
  /** When the session ends unless used again (sliding), capped by `absoluteExpiresAt`. */
  expiresAt: number;
  /** Hard end: the token's own expiry or the session's maximum age, whichever comes first. */
  absoluteExpiresAt: number;
  /** Set when the person signed in through an OIDC provider (the ID token's expiry is the hard end). */
  external?: ExternalIdentity;
}

/**
 * Where sessions live. In memory for one BFF; a shared store (e.g. Redis) lets several BFF replicas
 * share sessions without changing any caller.
 */
export interface SessionStore {
  get(id: string): Promise<Session | undefined>;
  set(session: Session): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Calls `listener` with each session the store drops because it expired (idle or absolute), so its
   * server token can be revoked. A store that cannot notice expiry may never call it.
   */
  onExpired(listener: (session: Session) => void): void;
  /** How many live sessions the store holds (for /metrics). */
  size(): Promise<number>;
  /** Stops background work (expiry sweeps). */
  close(): Promise<void>;
}

// The BFF: the browser's only door to Berth (sessions, the /api gateway, the terminal bridge, the SPA).
export { type BffOptions, resolveBffConfig } from "./bff-options.js";
export { buildBff } from "./build-bff.js";
export { ExecCloseCode } from "./exec/exec-close-codes.js";
export { type OidcConfig, type OidcProviderConfig, parseOidcConfig } from "./oidc/oidc-config.js";
export { type RunningBff, type StartBffOptions, startBff } from "./server.js";
export { createMemorySessionStore } from "./sessions/memory-session-store.js";
export type { Session, SessionStore } from "./sessions/session-store.js";

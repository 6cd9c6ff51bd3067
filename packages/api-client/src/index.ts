// The browser's door to the BFF: the Connect transport, the session endpoints and the terminal socket.

export {
  type AuthClient,
  AuthError,
  createAuthClient,
  normalizeRole,
  type SignInProvider,
  type Viewer,
} from "./auth-client.js";
export {
  type BrowserTransportOptions,
  createBrowserTransport,
  csrfHeader,
} from "./create-browser-transport.js";
export { type CsrfSource, createCsrfSource } from "./csrf-source.js";
export {
  createExecSocket,
  type ExecSocket,
  type ExecSocketEvent,
  type ExecSocketOptions,
  type ExecStartFrame,
  parseExecControlFrame,
} from "./exec-socket.js";

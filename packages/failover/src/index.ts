export { type BackoffOptions, backoffDelayMs, sleep } from "./backoff.js";
export { isConnectionLost, isServerUnavailable, neverSent } from "./call-failure.js";
export {
  createFailoverTransport,
  type FailoverTransport,
  type FailoverTransportOptions,
  isRetrySafe,
} from "./failover-transport.js";
export { parseServerAddresses } from "./parse-server-addresses.js";

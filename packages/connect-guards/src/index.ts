export { type MessageCheckOptions, refuseMalformedMessages } from "./refuse-malformed-messages.js";
export { safeNext } from "./safe-next.js";

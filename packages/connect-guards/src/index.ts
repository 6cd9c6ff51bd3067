export { type MessageCheckOptions, refuseMalformedMessages } from "./refuse-malformed-messages.js";

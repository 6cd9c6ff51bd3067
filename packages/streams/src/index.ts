export { abortable } from "./abortable.js";
export { createPushQueue, type PushQueue, type PushQueueOptions } from "./push-queue.js";

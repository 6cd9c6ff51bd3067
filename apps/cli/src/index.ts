// What other workspaces reuse from the CLI: the API client factory, saved contexts and output helpers.
export {
  type ApiClient,
  type ApiTarget,
  createApiClient,
  createApiTransport,
} from "./client/create-api-client.js";
export { type CliContext, currentContext, readContexts, saveContext } from "./contexts/context-store.js";
export { createProgram } from "./program.js";
export { type DeployFromDirectoryOptions, deployFromDirectory } from "./ship/deploy-from-directory.js";

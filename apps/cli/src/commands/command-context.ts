import type { Command } from "commander";
import { type ApiClient, createApiClient } from "../client/create-api-client.js";

/** The API client for a command, honouring the global --context flag. */
export function apiClientFor(cmd: Command): ApiClient {
  const { context } = cmd.optsWithGlobals<{ context?: string }>();
  return createApiClient(context);
}

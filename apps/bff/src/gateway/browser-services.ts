import * as api from "@berth/proto";
import type { DescMethod, DescService } from "@bufbuild/protobuf";

/**
 * Services the browser never reaches: the entrypoint's and artifact transfer are for machines, and
 * DashboardService is implemented by the BFF itself.
 */
const excludedServices = new Set([
  "berth.v1.EntrypointService",
  "berth.v1.ArtifactService",
  "berth.v1.DashboardService",
]);

function isService(value: unknown): value is DescService {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "service";
}

/** Every berth.v1 service the gateway forwards, found in the generated API rather than listed by hand. */
export function browserServices(): DescService[] {
  return (Object.values(api) as unknown[])
    .filter(isService)
    .filter((s) => s.typeName.startsWith("berth.v1.") && !excludedServices.has(s.typeName))
    .sort((a, b) => a.typeName.localeCompare(b.typeName));
}

/**
 * The methods of a service a browser can call over fetch: unary and server-streaming. Client and bidi
 * streams need full-duplex HTTP that browsers lack (exec has its WebSocket bridge instead).
 */
export function browserMethods(service: DescService): DescMethod[] {
  return service.methods.filter((m) => m.methodKind === "unary" || m.methodKind === "server_streaming");
}

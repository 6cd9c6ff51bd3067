import { ArtifactService, ConfigService, EntrypointService, ExecService } from "@berth/proto";
import type { DescService } from "@bufbuild/protobuf";

/** Largest request message (bytes on the wire, after decompression) a method takes unless listed below. */
export const defaultReadMaxBytes = 1024 * 1024;

/**
 * Services whose messages are bigger by design: artifact chunks (the CLI sends 512 KiB; at most 1 MiB
 * each), terminal input (the BFF relays WebSocket frames of up to 1 MiB), entrypoint log batches (~1 MiB of lines plus per-line overhead) and config writes (up to 500
 * variables of up to 64 KiB). Everything else is small, so a 50 MB body is refused before it is parsed.
 */
const largerServices = new Map<string, number>([
  [ArtifactService.typeName, 2 * 1024 * 1024],
  [ExecService.typeName, 2 * 1024 * 1024],
  [EntrypointService.typeName, 4 * 1024 * 1024],
  [ConfigService.typeName, 4 * 1024 * 1024],
]);

/** The per-message read limit of a service's methods. */
export function readMaxBytesOf(service: DescService): number {
  return largerServices.get(service.typeName) ?? defaultReadMaxBytes;
}

import { ServerReflection as ServerReflectionV1 } from "@berth/proto/grpc/reflection/v1";
import { ServerReflection as ServerReflectionV1alpha } from "@berth/proto/grpc/reflection/v1alpha";
import type { ConnectRouter } from "@connectrpc/connect";
import { Code } from "@connectrpc/connect";
import type { DescriptorIndex } from "./descriptor-index.js";

// v1 and v1alpha have the same messages under two package names; one answer function serves both.
type RequestShape = {
  host: string;
  messageRequest:
    | {
        case: "fileByFilename" | "fileContainingSymbol" | "allExtensionNumbersOfType" | "listServices";
        value: string;
      }
    | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
    | { case: undefined; value?: undefined };
};

export interface ReflectionOptions {
  index: DescriptorIndex;
  /** The fully-qualified names of the services the server serves (read at each request). */
  services: () => string[];
}

/** Registers gRPC server reflection v1 and v1alpha, so grpcurl-style tools can list and describe the API. */
export function registerReflection(router: ConnectRouter, options: ReflectionOptions): void {
  const answer = (req: RequestShape) => ({
    validHost: req.host,
    originalRequest: req,
    messageResponse: respond(req),
  });
  router.service(ServerReflectionV1, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) yield answer(req);
    },
  });
  router.service(ServerReflectionV1alpha, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) yield answer(req);
    },
  });

  function respond(req: RequestShape) {
    const files = (bytes: Uint8Array[] | undefined, what: string) =>
      bytes
        ? { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: bytes } }
        : notFound(`${what} not found`);
    const r = req.messageRequest;
    switch (r.case) {
      case "listServices":
        return {
          case: "listServicesResponse" as const,
          value: { service: options.services().map((name) => ({ name })) },
        };
      case "fileByFilename":
        return files(options.index.fileByName(r.value), `file "${r.value}"`);
      case "fileContainingSymbol":
        return files(options.index.fileContainingSymbol(r.value), `symbol "${r.value}"`);
      case "fileContainingExtension":
        return files(
          options.index.fileContainingExtension(r.value.containingType, r.value.extensionNumber),
          `extension ${r.value.extensionNumber} of "${r.value.containingType}"`,
        );
      case "allExtensionNumbersOfType": {
        const numbers = options.index.extensionNumbersOf(r.value);
        if (!numbers) return notFound(`type "${r.value}" not found`);
        return {
          case: "allExtensionNumbersResponse" as const,
          value: { baseTypeName: r.value, extensionNumber: numbers },
        };
      }
      default:
        return {
          case: "errorResponse" as const,
          value: { errorCode: Code.InvalidArgument, errorMessage: "message_request is empty" },
        };
    }
  }
}

function notFound(message: string) {
  return { case: "errorResponse" as const, value: { errorCode: Code.NotFound, errorMessage: message } };
}

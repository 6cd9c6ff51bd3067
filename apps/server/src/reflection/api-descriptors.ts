import * as berth from "@berth/proto";
import { file_grpc_health_v1_health } from "@berth/proto/grpc/health";
import { file_grpc_reflection_v1_reflection } from "@berth/proto/grpc/reflection/v1";
import { file_grpc_reflection_v1alpha_reflection } from "@berth/proto/grpc/reflection/v1alpha";
import type { DescFile } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";

/** Every embedded file descriptor of the API (`file_berth_v1_*`) plus gRPC health and reflection. */
export function apiFiles(): DescFile[] {
  const berthFiles = Object.entries(berth)
    .filter(([name]) => name.startsWith("file_"))
    .map(([, file]) => file as DescFile);
  return [
    ...berthFiles,
    file_grpc_health_v1_health,
    file_grpc_reflection_v1_reflection,
    file_grpc_reflection_v1alpha_reflection,
  ];
}

/** The fully-qualified names of the services registered on a router, in registration order. */
export function servedServices(router: ConnectRouter): string[] {
  return [...new Set(router.handlers.map((h) => h.service.typeName))];
}

// The berth.v1 API: generated messages and service descriptors, re-exported from one place.

export * from "./gen/berth/v1/api_comments.js";
export * from "./gen/berth/v1/artifact_service_pb.js";
export * from "./gen/berth/v1/audit_service_pb.js";
export * from "./gen/berth/v1/auth_service_pb.js";
export * from "./gen/berth/v1/build_service_pb.js";
export * from "./gen/berth/v1/common_pb.js";
export * from "./gen/berth/v1/config_service_pb.js";
export * from "./gen/berth/v1/dashboard_service_pb.js";
export * from "./gen/berth/v1/deployment_service_pb.js";
export * from "./gen/berth/v1/entrypoint_service_pb.js";
export * from "./gen/berth/v1/event_service_pb.js";
export * from "./gen/berth/v1/exec_service_pb.js";
export * from "./gen/berth/v1/git_service_pb.js";
export * from "./gen/berth/v1/job_service_pb.js";
export * from "./gen/berth/v1/lifecycle_service_pb.js";
export * from "./gen/berth/v1/log_service_pb.js";
export * from "./gen/berth/v1/notification_service_pb.js";
export * from "./gen/berth/v1/project_service_pb.js";
export * from "./gen/berth/v1/release_service_pb.js";
export * from "./gen/berth/v1/rollout_service_pb.js";
export * from "./gen/berth/v1/router_service_pb.js";
export * from "./gen/berth/v1/runner_service_pb.js";
export * from "./policy/method-policies.js";
export * from "./policy/policy-access.js";
export * from "./traffic/latency-buckets.js";

import type { Viewer } from "@berth/api-client";

/** Things a user can do that need more than the viewer role. */
export type Action =
  | "release"
  | "rollback"
  | "destroy"
  | "annotate"
  | "scale"
  | "delete"
  | "exec"
  | "config.write"
  | "notifications.write"
  | "webhooks.secret"
  | "secret.reveal";

const needs: Record<Action, Viewer["role"]> = {
  release: "deployer",
  rollback: "deployer",
  destroy: "deployer",
  annotate: "deployer",
  scale: "deployer",
  delete: "admin",
  exec: "deployer",
  "config.write": "deployer",
  "notifications.write": "deployer",
  "webhooks.secret": "admin",
  "secret.reveal": "admin",
};

const rank: Record<Viewer["role"], number> = { viewer: 1, deployer: 2, admin: 3 };

/** Why `role` may not do `action`, or undefined when it may. The server enforces the same table. */
export function deniedReason(role: Viewer["role"] | undefined, action: Action): string | undefined {
  const required = needs[action];
  if (role && rank[role] >= rank[required]) return undefined;
  return `Needs the ${required} role; you are ${role ? `a ${role}` : "not signed in"}.`;
}

import { callerClasses, methodPolicies, policyAllows } from "@berth/proto";

/**
 * The token/role × method table of docs/security.md, generated from the policy table: one row per RPC
 * in the table's order, one column per kind of caller, and whether the dashboard may call it.
 */
export function renderPolicyTable(): string {
  const header = ["RPC", ...callerClasses.map((c) => c.label), "dashboard"];
  const rows = Object.entries(methodPolicies).map(([method, policy]) => [
    `\`${method}\``,
    ...callerClasses.map((caller) => (policyAllows(policy, caller) ? "✓" : "—")),
    policy.browser ? "✓" : "—",
  ]);
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

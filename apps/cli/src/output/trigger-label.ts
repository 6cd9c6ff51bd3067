/** What started a build or deployment, as its history row says it: "remote by ada", "triggered by github webhook". */
export function triggerLabel(row: { trigger: string; triggeredBy: string }): string {
  if (row.trigger === "webhook") return `triggered by ${row.triggeredBy || "webhook"}`;
  if (row.trigger === "remote") return row.triggeredBy ? `remote by ${row.triggeredBy}` : "remote";
  return "";
}

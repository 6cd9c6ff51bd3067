/** A proto enum value as people read it: DeploymentStatus.HEALTHY → "healthy"; an unknown number → "unknown". */
export function enumName(table: Record<number, string>, value: number): string {
  return (table[value] ?? "unknown").toLowerCase();
}

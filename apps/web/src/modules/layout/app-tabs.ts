/** An app's pages as [label, path under /p/:project/a/:app]: the tab bar and the command palette both list them. */
export const appTabs: ReadonlyArray<readonly [label: string, path: string]> = [
  ["Overview", ""],
  ["Deployments", "/deployments"],
  ["Builds", "/builds"],
  ["Releases", "/releases"],
  ["Logs", "/logs"],
  ["Terminal", "/terminal"],
  ["Config", "/config"],
];

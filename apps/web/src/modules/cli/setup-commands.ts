/** The shell commands the Get started page prints, with the real addresses filled in. */
export interface SetupCommands {
  install: string;
  login: string;
  check: string;
}

/** Single-quotes a word for a POSIX shell when it holds anything a shell would read specially. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Installing the CLI as the repository documents it (README: `npm ci` in a clone, the CLI bundle built by
 * `npm run build`), logging in with a one-time code, and checking it works.
 */
export function setupCommands(options: {
  serverUrl: string;
  dashboardUrl: string;
  code?: string | undefined;
  /** A project to show the status of; without one, `berth status` reads it from the berth.hcl in the directory. */
  project?: string | undefined;
}): SetupCommands {
  const code = options.code ?? "<press Create a login code>";
  return {
    install: "npm ci && npm run build -w @berth/cli",
    login: [
      "npx berth login",
      `--server ${shellWord(options.serverUrl)}`,
      `--dashboard ${shellWord(options.dashboardUrl)}`,
      `--code ${options.code ? shellWord(code) : code}`,
    ].join(" "),
    check: options.project ? `npx berth status --project ${shellWord(options.project)}` : "npx berth status",
  };
}

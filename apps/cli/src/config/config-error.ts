import type { ConfigIssue } from "./config-types.js";
import { locatePath } from "./source-locator.js";

/** A config file that could not be used; `message` lists every problem as `file:line:col: what`. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly file: string,
    readonly lines: string[],
    options?: ErrorOptions,
  ) {
    super(lines.join("\n"), options);
  }

  /** Builds the error from validation issues, locating each one in the source text. */
  static fromIssues(file: string, source: string, issues: ConfigIssue[]): ConfigError {
    return new ConfigError(
      file,
      issues.map((issue) => {
        const at = locatePath(source, issue.path);
        return `${file}:${at.line}:${at.col}: ${issue.message}`;
      }),
    );
  }
}

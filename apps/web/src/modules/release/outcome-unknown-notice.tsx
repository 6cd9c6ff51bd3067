import { useLatestRelease } from "../../api/queries/releases.js";
import { releaseTargetsLabel } from "./outcome-unknown.js";

export interface OutcomeUnknownNoticeProps {
  project: string;
  app: string;
  /** "release" or "rollback". */
  what: string;
}

/** After a dropped connection: says the outcome is unknown and which release the server reports now. */
export function OutcomeUnknownNotice({ project, app, what }: OutcomeUnknownNoticeProps) {
  const latest = useLatestRelease(project, app, true);
  let now: string;
  if (latest.release) now = `current release is ${releaseTargetsLabel(latest.release)}`;
  else if (latest.error) now = "the server is not answering yet; asking again…";
  else if (latest.isLoading) now = "checking the current release…";
  else now = "the app has no release";
  return (
    <div
      role="status"
      data-testid="release-outcome-unknown"
      className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
    >
      <p className="font-medium">Outcome unknown — {now}</p>
      <p className="mt-1">
        The connection dropped after the {what} was sent, so it may or may not have happened. Check the
        current release before trying again.
      </p>
    </div>
  );
}

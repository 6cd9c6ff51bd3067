import type { AppRef } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { ApplicationTable, Database } from "../store/schema.js";
import { getApplication } from "./projects.js";

/** The request's AppRef, or InvalidArgument (the validation interceptor enforces `required`; this keeps handlers safe). */
export function requireAppRef(ref: AppRef | undefined): { project: string; app: string } {
  if (!ref) throw new ConnectError("app: value is required", Code.InvalidArgument);
  return { project: ref.project, app: ref.app };
}

/** The application a request's AppRef names: InvalidArgument when missing, NotFound when unknown. */
export async function resolveAppRef(
  db: Kysely<Database>,
  ref: AppRef | undefined,
): Promise<ApplicationTable> {
  const { project, app } = requireAppRef(ref);
  return getApplication(db, project, app);
}

// Config rows → berth.v1 messages. Secret values leave the server only through toConfigVarProto with reveal.

import {
  type ConfigChange,
  ConfigChangeSchema,
  type ConfigRevision,
  ConfigRevisionSchema,
  ConfigScope,
  type ConfigVar,
  ConfigVarSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ConfigRevisionTable, ConfigVarTable } from "../store/schema.js";
import type { VarChange, VarScope } from "./config-diff.js";

/** A store scope as the API enum. */
export function toConfigScope(scope: VarScope): ConfigScope {
  return scope === "app" ? ConfigScope.APP : ConfigScope.PROJECT;
}

/** A change as a ConfigChange (VarChange already blanks secret values). */
export function toConfigChangeProto(c: VarChange): ConfigChange {
  return create(ConfigChangeSchema, {
    name: c.name,
    scope: toConfigScope(c.scope),
    change: c.change,
    secret: c.secret,
    oldValue: c.secret ? "" : c.oldValue,
    newValue: c.secret ? "" : c.newValue,
  });
}

/** A revision row as a ConfigRevision. */
export function toConfigRevisionProto(row: ConfigRevisionTable): ConfigRevision {
  let changes: VarChange[] = [];
  try {
    changes = JSON.parse(row.changes_json);
  } catch {
    // A malformed column shows as no changes rather than failing the listing.
  }
  return create(ConfigRevisionSchema, {
    project: row.project,
    app: row.app,
    revision: row.revision,
    actor: { tokenId: row.actor_token_id, name: row.actor_name, kind: "login" },
    createdAt: timestampFromMs(row.created_at),
    changes: changes.map(toConfigChangeProto),
    restoredFrom: row.restored_from ?? 0,
  });
}

/** A variable as a ConfigVar; a secret's value is blank and `masked` unless `reveal`. */
export function toConfigVarProto(row: ConfigVarTable, reveal: boolean): ConfigVar {
  const masked = row.secret === 1 && !reveal;
  return create(ConfigVarSchema, {
    scope: row.app === "" ? ConfigScope.PROJECT : ConfigScope.APP,
    name: row.name,
    value: masked ? "" : row.value,
    secret: row.secret === 1,
    masked,
    revision: row.revision,
    updatedAt: timestampFromMs(row.updated_at),
  });
}

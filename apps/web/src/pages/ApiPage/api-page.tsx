import { Badge } from "@berth/ui/badge";
import { Card } from "@berth/ui/card";
import { EmptyState } from "@berth/ui/states";
import { useMemo, useState } from "react";
import { apiReference, filterApi } from "../../modules/api/api-reference.js";

/**
 * The berth.v1 API: every service and method with its documentation, who may call it, whether the dashboard can,
 * and the CLI command that makes the call. Built from the same descriptors the server serves for reflection.
 */
export function ApiPage() {
  const all = useMemo(() => apiReference(), []);
  const [query, setQuery] = useState("");
  const shown = filterApi(all, query);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">API reference</h1>
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Find a method, a word or a command"
          aria-label="Search the API"
          className="w-80 rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700"
        />
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        gRPC, gRPC-Web and Connect on the server's API address; <code>grpcurl</code> lists the same services
        through reflection.
      </p>
      {shown.length === 0 ? <EmptyState title={`Nothing in the API matches “${query}”`} /> : null}
      {shown.map((s) => (
        <Card key={s.name} title={s.name}>
          {s.comment ? <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">{s.comment}</p> : null}
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {s.methods.map((m) => (
              <li key={m.fullName} className="py-2 text-sm" aria-label={m.fullName}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono font-medium">{m.name}</span>
                  <Badge tone={m.kind === "unary" ? "zinc" : "blue"}>{m.kind}</Badge>
                  <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
                    {m.input} → {m.output}
                  </span>
                </div>
                {m.comment ? <p className="mt-1">{m.comment}</p> : null}
                <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                  Who: {m.access}
                  {m.browser ? " · the dashboard too" : ""}
                  {m.cli ? (
                    <>
                      {" · CLI: "}
                      <code className="text-zinc-700 dark:text-zinc-300">{m.cli}</code>
                    </>
                  ) : null}
                </p>
              </li>
            ))}
          </ul>
        </Card>
      ))}
    </div>
  );
}

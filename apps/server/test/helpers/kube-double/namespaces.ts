import { randomUUID } from "node:crypto";
import { invalid, type Obj, type Reply, status } from "./status.js";
import { namespaceErrors, schemas, unknownFields } from "./validate.js";

export interface NamespacesOptions {
  /** The namespaces the cluster starts with (default: "default"). */
  initial?: string[];
  /**
   * What the credentials may do with namespaces: "all" (default); "read" (a ClusterRole that may get namespaces but
   * not create them); "none" (bound to one namespace by a RoleBinding). The rest is 403 Forbidden, as the real API
   * answers.
   */
  access?: "all" | "read" | "none";
}

/** The double's namespaces: objects can be created only in one that exists, as on a real API server. */
export interface DoubleNamespaces {
  exists(name: string): boolean;
  /** GET /api/v1/namespaces/:name and POST /api/v1/namespaces; undefined for any other path. */
  handle(method: string, path: string, strict: boolean, body: () => Promise<Obj>): Promise<Reply | undefined>;
  /** 404 for an object created in a namespace that does not exist. */
  missing(name: string): Reply;
}

const forbidden = (verb: string, name: string) =>
  status(
    403,
    "Forbidden",
    `namespaces "${name}" is forbidden: User "system:serviceaccount:berth:berth" cannot ${verb} resource "namespaces" in API group "" at the cluster scope`,
    { name, kind: "namespaces" },
  );

export function createDoubleNamespaces(options: NamespacesOptions = {}): DoubleNamespaces {
  const store = new Map<string, Obj>();
  const add = (ns: Obj) => {
    ns.metadata = { ...ns.metadata, uid: randomUUID(), creationTimestamp: new Date().toISOString() };
    ns.status = { phase: "Active" };
    store.set(ns.metadata.name, ns);
  };
  for (const name of options.initial ?? ["default"])
    add({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  const notFound = (name: string) =>
    status(404, "NotFound", `namespaces "${name}" not found`, { name, kind: "namespaces" });
  return {
    exists: (name) => store.has(name),
    missing: notFound,
    async handle(method, path, strict, body) {
      const m = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(path);
      if (!m) return undefined;
      const name = m[1];
      if (method === "GET" && name) {
        if (options.access === "none") return forbidden("get", name);
        const ns = store.get(name);
        return ns ? { code: 200, body: ns } : notFound(name);
      }
      if (method !== "POST" || name)
        return status(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource",
        );
      const ns = await body();
      if (options.access === "none" || options.access === "read")
        return forbidden("create", String(ns.metadata?.name ?? ""));
      if (ns.apiVersion !== "v1" || ns.kind !== "Namespace")
        return status(
          400,
          "BadRequest",
          `the API version in the data (${ns.apiVersion}) and kind (${ns.kind}) do not match the expected v1 Namespace`,
        );
      const unknown = unknownFields(ns, schemas.Namespace);
      if (strict && unknown.length > 0)
        return status(
          400,
          "BadRequest",
          `Namespace in version "v1" cannot be handled as a Namespace: strict decoding error: ${unknown.join(", ")}`,
        );
      const causes = namespaceErrors(ns);
      if (causes.length > 0) return invalid("Namespace", String(ns.metadata?.name ?? ""), causes);
      if (store.has(ns.metadata.name))
        return status(409, "AlreadyExists", `namespaces "${ns.metadata.name}" already exists`, {
          name: ns.metadata.name,
          kind: "namespaces",
        });
      add(ns);
      return { code: 201, body: ns };
    },
  };
}

import { randomBytes, randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { Kubelet, type PodObject } from "./kubelet.js";
import { createDoubleNamespaces, type NamespacesOptions } from "./namespaces.js";
import { execUpgrade, serveLog } from "./pod-endpoints.js";
import { invalid, type Obj, type Reply, status } from "./status.js";
import {
  deploymentErrors,
  schemas,
  secretErrors,
  selectorMatcher,
  serviceErrors,
  unknownFields,
} from "./validate.js";

/**
 * A DOUBLE of the Kubernetes API server, for tests only: no cluster runs on the test machines, so the kubernetes
 * platform is tested against this in-process HTTP server on 127.0.0.1 (port 0). It serves only the endpoints the
 * platform calls, and rejects what the real API would: a missing or wrong bearer token (401), unknown paths and
 * objects (404 Status), a name taken (409 AlreadyExists), a wrong content type (415), an apiVersion/kind that
 * does not fit the path and (with fieldValidation=Strict) unknown fields (400), invalid names, labels, selectors,
 * containers, env and probes (422 Invalid with the field), objects in a namespace that does not exist (404; see
 * namespaces.ts, which also answers 403 to reading or creating a namespace with namespace-scoped credentials). Its controller turns a Deployment into `replicas` pods,
 * its garbage collector deletes them with the Deployment, and its kubelet (kubelet.ts) runs them.
 */
export interface KubeApiDouble {
  url: string;
  token: string;
  kubelet: Kubelet;
  /** Objects of a kind ("Deployment", "Secret", "Pod") in a namespace. */
  objects(kind: string, namespace?: string): Obj[];
  /** Every request as "METHOD /path" (without the query). */
  requests: string[];
  /** Ends every open watch (as an API server restart or its watch timeout would); clients watch again. */
  dropWatches(): void;
  /** Writes a kubeconfig for this server (context "double", user token) and returns its path. */
  writeKubeconfig(path: string, namespace?: string): Promise<string>;
  close(): Promise<void>;
}

const kinds = {
  deployments: { kind: "Deployment", apiVersion: "apps/v1", group: "apps" },
  secrets: { kind: "Secret", apiVersion: "v1", group: "" },
  pods: { kind: "Pod", apiVersion: "v1", group: "" },
  services: { kind: "Service", apiVersion: "v1", group: "" },
} as const;
type Resource = keyof typeof kinds;

export async function startKubeApiDouble(
  options: { pullable?: (image: string) => boolean; namespaces?: NamespacesOptions } = {},
): Promise<KubeApiDouble> {
  const token = randomBytes(16).toString("hex");
  const namespaces = createDoubleNamespaces(options.namespaces);
  const store = new Map<string, Obj>();
  const requests: string[] = [];
  let rv = 1;
  const podEvents: { rv: number; type: string; object: Obj }[] = [];
  const watchers = new Set<{
    namespace: string;
    match: (l: Record<string, string>) => boolean;
    res: ServerResponse;
  }>();
  const keyOf = (r: Resource, ns: string, name: string) => `${r}/${ns}/${name}`;
  const list = (r: Resource, ns?: string) =>
    [...store.entries()]
      .filter(([k, o]) => k.startsWith(`${r}/`) && (!ns || o.metadata.namespace === ns))
      .map(([, o]) => o);

  function podEvent(type: string, pod: Obj): void {
    pod.metadata.resourceVersion = String(++rv);
    const object = structuredClone(pod);
    podEvents.push({ rv, type, object });
    for (const w of watchers)
      if (w.namespace === pod.metadata.namespace && w.match(pod.metadata.labels ?? {}))
        w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  const kubelet = new Kubelet({
    changed: (pod) =>
      store.has(keyOf("pods", pod.metadata.namespace, pod.metadata.name)) && podEvent("MODIFIED", pod),
    secret(ns, name) {
      const s = store.get(keyOf("secrets", ns, name));
      return (
        s &&
        Object.fromEntries(
          Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [
            k,
            Buffer.from(v, "base64").toString(),
          ]),
        )
      );
    },
    pullable: options.pullable ?? ((image) => !image.startsWith("registry.invalid/")),
  });

  function stamp(obj: Obj, ns: string): void {
    obj.metadata = {
      ...obj.metadata,
      namespace: ns,
      uid: randomUUID(),
      resourceVersion: String(++rv),
      creationTimestamp: new Date().toISOString(),
    };
  }

  /** The Deployment controller (through its ReplicaSet) and the garbage collector, collapsed into two steps. */
  function makePods(d: Obj): void {
    const hash = randomBytes(5).toString("hex");
    for (let i = 0; i < (d.spec.replicas ?? 1); i++) {
      const pod: PodObject = {
        metadata: {
          name: `${d.metadata.name}-${hash}-${randomBytes(3).toString("hex").slice(0, 5)}`,
          namespace: d.metadata.namespace,
          labels: { ...d.spec.template.metadata.labels, "pod-template-hash": hash },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "ReplicaSet",
              name: `${d.metadata.name}-${hash}`,
              uid: randomUUID(),
            },
          ],
          uid: randomUUID(),
          creationTimestamp: new Date().toISOString(),
        },
        spec: structuredClone(d.spec.template.spec),
        status: { phase: "Pending" },
      };
      store.set(keyOf("pods", pod.metadata.namespace, pod.metadata.name), pod);
      podEvent("ADDED", pod);
      kubelet.start(pod).catch((err) => {
        pod.status = { phase: "Failed", message: String(err) };
        podEvent("MODIFIED", pod);
      });
    }
  }

  function deletePodsOf(d: Obj): void {
    const selector = d.spec.selector.matchLabels as Record<string, string>;
    for (const pod of list("pods", d.metadata.namespace)) {
      if (!Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v)) continue;
      store.delete(keyOf("pods", pod.metadata.namespace, pod.metadata.name));
      kubelet.stop(pod.metadata.name);
      podEvent("DELETED", pod);
    }
  }

  /** Body checks common to create and replace; undefined when the object may be stored. */
  function checkBody(
    r: Resource,
    ns: string,
    body: Obj,
    strict: boolean,
    res: ServerResponse,
  ): Reply | undefined {
    const want = kinds[r];
    if (body.apiVersion !== want.apiVersion || body.kind !== want.kind)
      return status(
        400,
        "BadRequest",
        `the API version in the data (${body.apiVersion}) and kind (${body.kind}) do not match the expected ${want.apiVersion} ${want.kind}`,
      );
    if (body.metadata?.namespace && body.metadata.namespace !== ns)
      return status(
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    const unknown = unknownFields(body, schemas[want.kind as "Deployment" | "Secret" | "Service"]);
    if (unknown.length > 0) {
      if (strict)
        return status(
          400,
          "BadRequest",
          `${want.kind} in version "${want.apiVersion}" cannot be handled as a ${want.kind}: strict decoding error: ${unknown.join(", ")}`,
        );
      res.setHeader("warning", unknown.map((u) => `299 - "${u}"`).join(", "));
    }
    const causes =
      r === "deployments"
        ? deploymentErrors(body)
        : r === "services"
          ? serviceErrors(body)
          : secretErrors(body);
    return causes.length > 0 ? invalid(want.kind, String(body.metadata?.name ?? ""), causes) : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<Reply | "streamed"> {
    const url = new URL(req.url ?? "/", "http://double");
    requests.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${token}`) return status(401, "Unauthorized", "Unauthorized");
    const strict = url.searchParams.get("fieldValidation") === "Strict";
    const nsReply = await namespaces.handle(req.method ?? "", url.pathname, strict, async () =>
      JSON.parse(await readBody(req)),
    );
    if (nsReply) return nsReply;
    const m =
      /^\/(?:api\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/(deployments|secrets|pods|services)(?:\/([^/]+))?(?:\/(log))?$/.exec(
        url.pathname,
      );
    if (!m) return status(404, "NotFound", "the server could not find the requested resource");
    const [, ns, resource, name, sub] = m as unknown as [
      string,
      string,
      Resource,
      string | undefined,
      string | undefined,
    ];
    if ((kinds[resource].group === "apps") !== url.pathname.startsWith("/apis/apps/v1/"))
      return status(404, "NotFound", "the server could not find the requested resource");
    const kind = kinds[resource].kind;
    const key = name ? keyOf(resource, ns, name) : "";
    const notFound = () =>
      status(
        404,
        "NotFound",
        `${resource}${kinds[resource].group ? `.${kinds[resource].group}` : ""} "${name}" not found`,
        { name, kind: resource },
      );

    if (req.method === "GET" && !name) {
      const match = selectorMatcher(url.searchParams.get("labelSelector"));
      if (!match)
        return status(
          400,
          "BadRequest",
          `unable to parse requirement: invalid label selector "${url.searchParams.get("labelSelector")}"`,
        );
      if (url.searchParams.get("watch") === "true") {
        if (resource !== "pods") return status(405, "MethodNotAllowed", "this double watches pods only");
        const from = Number(url.searchParams.get("resourceVersion") || rv);
        res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
        res.flushHeaders();
        for (const e of podEvents)
          if (e.rv > from && e.object.metadata.namespace === ns && match(e.object.metadata.labels ?? {}))
            res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
        const w = { namespace: ns, match, res };
        watchers.add(w);
        res.on("close", () => watchers.delete(w));
        return "streamed";
      }
      const items = list(resource, ns).filter((o) => match(o.metadata.labels ?? {}));
      return {
        code: 200,
        body: {
          kind: `${kind}List`,
          apiVersion: kinds[resource].apiVersion,
          metadata: { resourceVersion: String(rv) },
          items,
        },
      };
    }
    if (req.method === "GET" && sub === "log") {
      if (resource !== "pods")
        return status(404, "NotFound", "the server could not find the requested resource");
      const pod = store.get(key) as PodObject | undefined;
      if (!pod) return notFound();
      return serveLog(url, pod, kubelet, res);
    }
    if (req.method === "GET" && name && !sub) {
      const obj = store.get(key);
      return obj ? { code: 200, body: obj } : notFound();
    }
    if (req.method === "DELETE" && name && !sub && resource !== "pods") {
      const policy = url.searchParams.get("propagationPolicy");
      if (policy && !["Foreground", "Background", "Orphan"].includes(policy))
        return status(400, "BadRequest", `propagationPolicy: Unsupported value: "${policy}"`);
      const obj = store.get(key);
      if (!obj) return notFound();
      store.delete(key);
      if (resource === "deployments" && policy !== "Orphan") deletePodsOf(obj);
      return {
        code: 200,
        body: {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Success",
          details: { name, kind: resource, uid: obj.metadata.uid },
        },
      };
    }
    if ((req.method === "POST" && !name) || (req.method === "PUT" && name && !sub)) {
      if (resource === "pods")
        return status(405, "MethodNotAllowed", "this double makes pods through Deployments only");
      const type = (req.headers["content-type"] ?? "").split(";")[0];
      if (type !== "application/json")
        return status(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
        );
      const fv = url.searchParams.get("fieldValidation");
      if (fv && !["Strict", "Warn", "Ignore"].includes(fv))
        return status(400, "BadRequest", `fieldValidation: Unsupported value: "${fv}"`);
      let body: Obj;
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        return status(400, "BadRequest", `error decoding the body: ${(err as Error).message}`);
      }
      // The NamespaceLifecycle admission plugin: nothing is made in a namespace that does not exist.
      if (!namespaces.exists(ns)) return namespaces.missing(ns);
      const bad = checkBody(resource, ns, body, fv === "Strict", res);
      if (bad) return bad;
      const objName = String(body.metadata.name);
      const objKey = keyOf(resource, ns, objName);
      if (req.method === "PUT" && objName !== name)
        return status(
          400,
          "BadRequest",
          `the name of the object (${objName}) does not match the name on the URL (${name})`,
        );
      if (req.method === "POST" && store.has(objKey))
        return status(
          409,
          "AlreadyExists",
          `${resource}${kinds[resource].group ? `.${kinds[resource].group}` : ""} "${objName}" already exists`,
          { name: objName, kind: resource },
        );
      if (req.method === "PUT" && !store.has(objKey)) return notFound();
      if (resource === "services") {
        const old = store.get(objKey);
        if (req.method === "POST") body.spec.clusterIP = `10.96.0.${(rv % 250) + 2}`;
        // An update of a Service must name the version it read (optimistic concurrency) and keep its cluster IP.
        else if (!body.metadata.resourceVersion)
          return invalid("Service", objName, [
            {
              field: "metadata.resourceVersion",
              message: "Invalid value: 0x0: must be specified for an update",
            },
          ]);
        else if (body.metadata.resourceVersion !== old?.metadata.resourceVersion)
          return status(
            409,
            "Conflict",
            `Operation cannot be fulfilled on services "${objName}": the object has been modified; please apply your changes to the latest version and try again`,
            { name: objName, kind: "services" },
          );
        else if ((body.spec.clusterIP ?? "") !== old?.spec.clusterIP)
          return invalid("Service", objName, [
            {
              field: "spec.clusterIP",
              message: `Invalid value: "${body.spec.clusterIP ?? ""}": field is immutable`,
            },
          ]);
      }
      if (resource === "secrets") {
        // Like the API server: stringData is write-only, merged into data (base64).
        body.data = {
          ...body.data,
          ...Object.fromEntries(
            Object.entries((body.stringData ?? {}) as Record<string, string>).map(([k, v]) => [
              k,
              Buffer.from(v).toString("base64"),
            ]),
          ),
        };
        delete body.stringData;
        body.type ??= "Opaque";
      }
      stamp(body, ns);
      store.set(objKey, body);
      if (resource === "deployments") {
        body.metadata.generation = 1;
        body.status = { replicas: body.spec.replicas ?? 1 };
        makePods(body);
      }
      return { code: req.method === "POST" ? 201 : 200, body };
    }
    return status(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
  }

  const server = createServer((req, res) => {
    handle(req, res)
      .then((reply) => {
        if (reply === "streamed") return;
        res.writeHead(reply.code, { "content-type": "application/json" });
        res.end(JSON.stringify(reply.body));
      })
      .catch((err) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify(status(500, "InternalError", String(err)).body));
      });
  });

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      offered.has("v5.channel.k8s.io")
        ? "v5.channel.k8s.io"
        : offered.has("v4.channel.k8s.io")
          ? "v4.channel.k8s.io"
          : false,
  });
  server.on("upgrade", (req, socket, head) => {
    requests.push(`${req.method} ${new URL(req.url ?? "/", "http://double").pathname}`);
    const double = {
      authorized: req.headers.authorization === `Bearer ${token}`,
      pod: (namespace: string, name: string) =>
        store.get(keyOf("pods", namespace, name)) as PodObject | undefined,
    };
    execUpgrade(req, socket, head, double, kubelet, wss);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token,
    kubelet,
    requests,
    objects: (kind, namespace) => {
      const r = (Object.keys(kinds) as Resource[]).find((k) => kinds[k].kind === kind)!;
      return list(r, namespace);
    },
    dropWatches() {
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    async writeKubeconfig(path, namespace = "default") {
      const config = {
        apiVersion: "v1",
        kind: "Config",
        // The client refuses plain HTTP unless TLS checks are off, as it would for a real server.
        clusters: [{ name: "double", cluster: { server: url, "insecure-skip-tls-verify": true } }],
        users: [{ name: "berth", user: { token } }],
        contexts: [{ name: "double", context: { cluster: "double", user: "berth", namespace } }],
        "current-context": "double",
      };
      await writeFile(path, JSON.stringify(config));
      return path;
    },
    async close() {
      for (const pod of list("pods")) kubelet.stop(pod.metadata.name);
      for (const w of watchers) w.res.end();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      data += c;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

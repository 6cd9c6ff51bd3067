/**
 * Request checks of the Kubernetes API double (see api-double.ts), after the real API server's: strict field
 * decoding against the object's schema (only the fields this double models are known: stricter than the real
 * API, never looser) and the apps/v1 and v1 validation rules for the fields Berth sets. Each failure is a field
 * path and a message in the real server's words.
 */

type Schema = "string" | "number" | "boolean" | "map" | "any" | Schema[] | { [key: string]: Schema };

const meta: Schema = {
  name: "string",
  generateName: "string",
  namespace: "string",
  labels: "map",
  annotations: "map",
  uid: "string",
  resourceVersion: "string",
  creationTimestamp: "any",
  deletionTimestamp: "any",
  generation: "number",
  ownerReferences: "any",
  finalizers: "any",
  managedFields: "any",
};
const probe: Schema = {
  httpGet: { path: "string", port: "any", host: "string", scheme: "string", httpHeaders: "any" },
  tcpSocket: { port: "any", host: "string" },
  exec: { command: ["string"] },
  grpc: "any",
  initialDelaySeconds: "number",
  periodSeconds: "number",
  timeoutSeconds: "number",
  failureThreshold: "number",
  successThreshold: "number",
  terminationGracePeriodSeconds: "number",
};
const container: Schema = {
  name: "string",
  image: "string",
  command: ["string"],
  args: ["string"],
  workingDir: "string",
  ports: [
    { name: "string", containerPort: "number", protocol: "string", hostPort: "number", hostIP: "string" },
  ],
  env: [
    {
      name: "string",
      value: "string",
      valueFrom: {
        fieldRef: { apiVersion: "string", fieldPath: "string" },
        secretKeyRef: { name: "string", key: "string", optional: "boolean" },
        configMapKeyRef: "any",
        resourceFieldRef: "any",
      },
    },
  ],
  resources: { limits: "map", requests: "map", claims: "any" },
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe,
  imagePullPolicy: "string",
  terminationMessagePath: "string",
  terminationMessagePolicy: "string",
  securityContext: "any",
  volumeMounts: "any",
  lifecycle: "any",
  stdin: "boolean",
  tty: "boolean",
};
const podSpec: Schema = {
  containers: [container],
  initContainers: [container],
  restartPolicy: "string",
  terminationGracePeriodSeconds: "number",
  serviceAccountName: "string",
  nodeSelector: "map",
  volumes: "any",
  securityContext: "any",
  imagePullSecrets: "any",
  affinity: "any",
  tolerations: "any",
  dnsPolicy: "string",
  schedulerName: "string",
};

/** The schemas of the kinds this double accepts in a request body. */
export const schemas: Record<"Deployment" | "Secret" | "Namespace" | "Service", Schema> = {
  Service: {
    apiVersion: "string",
    kind: "string",
    metadata: meta,
    spec: {
      selector: "map",
      ports: [
        {
          name: "string",
          port: "number",
          targetPort: "any",
          protocol: "string",
          nodePort: "number",
          appProtocol: "string",
        },
      ],
      type: "string",
      clusterIP: "string",
      clusterIPs: "any",
      ipFamilies: "any",
      ipFamilyPolicy: "string",
      sessionAffinity: "string",
      internalTrafficPolicy: "string",
    },
    status: "any",
  },
  Namespace: { apiVersion: "string", kind: "string", metadata: meta, spec: "any", status: "any" },
  Deployment: {
    apiVersion: "string",
    kind: "string",
    metadata: meta,
    spec: {
      replicas: "number",
      selector: { matchLabels: "map", matchExpressions: "any" },
      template: { metadata: meta, spec: podSpec },
      strategy: "any",
      minReadySeconds: "number",
      revisionHistoryLimit: "number",
      progressDeadlineSeconds: "number",
      paused: "boolean",
    },
    status: "any",
  },
  Secret: {
    apiVersion: "string",
    kind: "string",
    metadata: meta,
    type: "string",
    data: "map",
    stringData: "map",
    immutable: "boolean",
  },
};

/** Fields of `value` the schema does not know (`spec.template.spec.containers[0].foo`), or of the wrong type. */
export function unknownFields(value: unknown, schema: Schema, path = ""): string[] {
  if (schema === "any" || value === null) return [];
  if (Array.isArray(schema)) {
    if (!Array.isArray(value)) return [`${path}: expected a list`];
    return value.flatMap((v, i) => unknownFields(v, schema[0]!, `${path}[${i}]`));
  }
  if (schema === "map") {
    if (typeof value !== "object" || Array.isArray(value)) return [`${path}: expected a map`];
    return Object.entries(value as object)
      .filter(([, v]) => typeof v !== "string")
      .map(([k]) => `${path}.${k}: expected a string`);
  }
  if (typeof schema === "string") return typeof value === schema ? [] : [`${path}: expected a ${schema}`];
  if (typeof value !== "object" || Array.isArray(value)) return [`${path}: expected an object`];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    const sub = schema[k];
    return sub === undefined ? [`unknown field "${at}"`] : unknownFields(v, sub, at);
  });
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const quantity = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;

/** One field error as the real API reports it in a 422 Status (`field: Invalid value: ...: message`). */
export interface Cause {
  field: string;
  message: string;
}

export function nameErrors(name: unknown, field = "metadata.name"): Cause[] {
  if (typeof name !== "string" || name === "")
    return [{ field, message: "Required value: name or generateName is required" }];
  if (name.length > 253 || !dns1123Subdomain.test(name))
    return [
      {
        field,
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      },
    ];
  return [];
}

function labelErrors(labels: Record<string, string> | undefined, field: string): Cause[] {
  const out: Cause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const slash = k.lastIndexOf("/");
    const prefix = slash >= 0 ? k.slice(0, slash) : "";
    const name = k.slice(slash + 1);
    if (
      (prefix && (prefix.length > 253 || !dns1123Subdomain.test(prefix))) ||
      name.length > 63 ||
      !labelName.test(name)
    )
      out.push({
        field,
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
      });
    if (v.length > 63 || !labelValue.test(v))
      out.push({
        field,
        message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63)`,
      });
  }
  return out;
}

function probeErrors(p: Record<string, unknown> | undefined, field: string, ports: Set<unknown>): Cause[] {
  if (!p) return [];
  const handlers = ["httpGet", "tcpSocket", "exec", "grpc"].filter((h) => p[h] !== undefined);
  if (handlers.length === 0) return [{ field, message: "Required value: must specify a handler type" }];
  if (handlers.length > 1) return [{ field, message: "Forbidden: may not specify more than 1 handler type" }];
  const port =
    (p.httpGet as { port?: unknown } | undefined)?.port ??
    (p.tcpSocket as { port?: unknown } | undefined)?.port;
  if ((p.httpGet || p.tcpSocket) && port === undefined)
    return [{ field: `${field}.${handlers[0]}.port`, message: "Required value" }];
  if (typeof port === "number" && (port < 1 || port > 65535))
    return [
      {
        field: `${field}.${handlers[0]}.port`,
        message: `Invalid value: ${port}: must be between 1 and 65535, inclusive`,
      },
    ];
  if (typeof port === "string" && !ports.has(port))
    return [
      {
        field: `${field}.${handlers[0]}.port`,
        message: `Invalid value: "${port}": must be a container port name`,
      },
    ];
  return [];
}

type Container = {
  name?: string;
  image?: string;
  ports?: { name?: string; containerPort?: number }[];
  env?: { name?: string; value?: string; valueFrom?: Record<string, Record<string, unknown> | undefined> }[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
};

function containerErrors(c: Container, field: string): Cause[] {
  const out: Cause[] = [];
  if (!c.name) out.push({ field: `${field}.name`, message: "Required value" });
  else if (c.name.length > 63 || !dns1123Label.test(c.name))
    out.push({
      field: `${field}.name`,
      message: `Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`,
    });
  if (!c.image) out.push({ field: `${field}.image`, message: "Required value" });
  else if (c.image.trim() !== c.image)
    out.push({
      field: `${field}.image`,
      message: `Invalid value: "${c.image}": must not have leading or trailing whitespace`,
    });
  const portNames = new Set<unknown>();
  (c.ports ?? []).forEach((p, i) => {
    if (p.name) portNames.add(p.name);
    if (!p.containerPort || p.containerPort < 1 || p.containerPort > 65535)
      out.push({
        field: `${field}.ports[${i}].containerPort`,
        message: `Invalid value: ${p.containerPort}: must be between 1 and 65535, inclusive`,
      });
  });
  (c.env ?? []).forEach((e, i) => {
    const at = `${field}.env[${i}]`;
    if (!e.name || !envName.test(e.name))
      out.push({
        field: `${at}.name`,
        message: `Invalid value: "${e.name ?? ""}": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.'`,
      });
    if (e.value !== undefined && e.valueFrom)
      out.push({
        field: `${at}.valueFrom`,
        message: 'Invalid value: "": may not be specified when `value` is not empty',
      });
    if (e.valueFrom) {
      const sources = Object.keys(e.valueFrom).filter((k) => e.valueFrom?.[k] !== undefined);
      if (sources.length !== 1)
        out.push({
          field: `${at}.valueFrom`,
          message: 'Invalid value: "": may not have more than one field specified at a time',
        });
      const ref = e.valueFrom.secretKeyRef;
      if (ref && !ref.name)
        out.push({ field: `${at}.valueFrom.secretKeyRef.name`, message: "Required value" });
      if (ref && !ref.key) out.push({ field: `${at}.valueFrom.secretKeyRef.key`, message: "Required value" });
      const fieldRef = e.valueFrom.fieldRef;
      if (
        fieldRef &&
        !["metadata.name", "metadata.namespace", "status.podIP", "spec.nodeName"].includes(
          String(fieldRef.fieldPath),
        )
      )
        out.push({
          field: `${at}.valueFrom.fieldRef.fieldPath`,
          message: `Unsupported value: "${String(fieldRef.fieldPath)}"`,
        });
    }
  });
  for (const kind of ["limits", "requests"] as const)
    for (const [k, v] of Object.entries(c.resources?.[kind] ?? {}))
      if (!quantity.test(v))
        out.push({
          field: `${field}.resources.${kind}[${k}]`,
          message: `Invalid value: "${v}": must be a quantity`,
        });
  out.push(...probeErrors(c.readinessProbe, `${field}.readinessProbe`, portNames));
  out.push(...probeErrors(c.livenessProbe, `${field}.livenessProbe`, portNames));
  out.push(...probeErrors(c.startupProbe, `${field}.startupProbe`, portNames));
  return out;
}

/** apps/v1 Deployment validation (the rules that apply to what Berth sends). */
export function deploymentErrors(d: {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Container[] } };
  };
}): Cause[] {
  const out = [...nameErrors(d.metadata?.name), ...labelErrors(d.metadata?.labels, "metadata.labels")];
  const spec = d.spec;
  if (!spec) return [...out, { field: "spec", message: "Required value" }];
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0))
    out.push({
      field: "spec.replicas",
      message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
    });
  const selector = spec.selector?.matchLabels;
  if (!selector || Object.keys(selector).length === 0)
    out.push({ field: "spec.selector", message: "Required value" });
  const labels = spec.template?.metadata?.labels ?? {};
  out.push(...labelErrors(labels, "spec.template.metadata.labels"));
  if (selector && Object.entries(selector).some(([k, v]) => labels[k] !== v))
    out.push({
      field: "spec.template.metadata.labels",
      message: "Invalid value: `selector` does not match template `labels`",
    });
  const containers = spec.template?.spec?.containers ?? [];
  if (containers.length === 0)
    out.push({ field: "spec.template.spec.containers", message: "Required value" });
  out.push(...containers.flatMap((c, i) => containerErrors(c, `spec.template.spec.containers[${i}]`)));
  return out;
}

/** v1 Secret validation. */
/** A Service: a DNS-1035 label as its name, valid selector labels, one or more ports of 1–65535. */
export function serviceErrors(svc: {
  metadata?: { name?: unknown; labels?: Record<string, string> };
  spec?: { selector?: Record<string, string>; ports?: { port?: unknown; targetPort?: unknown }[] };
}): Cause[] {
  const out: Cause[] = [];
  const name = svc.metadata?.name;
  if (typeof name !== "string" || name.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name))
    out.push({
      field: "metadata.name",
      message: `Invalid value: "${String(name)}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character`,
    });
  out.push(...labelErrors(svc.metadata?.labels, "metadata.labels"));
  out.push(...labelErrors(svc.spec?.selector, "spec.selector"));
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) out.push({ field: "spec.ports", message: "Required value" });
  ports.forEach((p, i) => {
    for (const key of ["port", "targetPort"] as const) {
      const v = p[key];
      if (key === "targetPort" && (v === undefined || typeof v === "string")) continue;
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535)
        out.push({
          field: `spec.ports[${i}].${key}`,
          message: `Invalid value: ${JSON.stringify(v)}: must be between 1 and 65535, inclusive`,
        });
    }
  });
  return out;
}

/** A namespace's name is a DNS-1123 label (63 characters at most, no dots). */
export function namespaceErrors(n: {
  metadata?: { name?: unknown; labels?: Record<string, string> };
}): Cause[] {
  const name = n.metadata?.name;
  const out = labelErrors(n.metadata?.labels, "metadata.labels");
  if (typeof name !== "string" || name === "")
    return [{ field: "metadata.name", message: "Required value: name or generateName is required" }, ...out];
  if (name.length > 63 || !dns1123Label.test(name))
    out.unshift({
      field: "metadata.name",
      message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
    });
  return out;
}

export function secretErrors(s: {
  metadata?: { name?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}): Cause[] {
  const out = [...nameErrors(s.metadata?.name), ...labelErrors(s.metadata?.labels, "metadata.labels")];
  for (const k of [...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})])
    if (!/^[-._a-zA-Z0-9]+$/.test(k))
      out.push({
        field: `data[${k}]`,
        message: `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
      });
  for (const [k, v] of Object.entries(s.data ?? {}))
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v))
      out.push({ field: `data[${k}]`, message: "Invalid value: illegal base64 data" });
  return out;
}

/** Matches labels against a label selector (`a=b,c!=d,e`); undefined for a selector the API would reject. */
export function selectorMatcher(
  selector: string | null,
): ((labels: Record<string, string>) => boolean) | undefined {
  if (!selector) return () => true;
  const terms: ((l: Record<string, string>) => boolean)[] = [];
  for (const term of selector.split(",")) {
    const m = /^\s*(!?)([A-Za-z0-9./_-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*))?\s*$/.exec(term);
    if (!m) return undefined;
    const [, not, key, op, value] = m;
    if (not && op) return undefined;
    if (!op) terms.push(not ? (l) => l[key!] === undefined : (l) => l[key!] !== undefined);
    else if (op === "!=") terms.push((l) => l[key!] !== value);
    else terms.push((l) => l[key!] === value);
  }
  return (labels) => terms.every((t) => t(labels));
}

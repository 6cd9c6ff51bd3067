// The part of Nomad's JSON job shape (api.Job) the Nomad double accepts, checked strictly: an unknown field, a
// wrong type or a missing required field gets a 400 in the words Nomad's Go decoder and Job.Validate use.

type Shape =
  | "string"
  | "int"
  | "number"
  | "bool"
  | "strings"
  | "map"
  | "any"
  | Shape[]
  | { [k: string]: Shape };

const port: Shape = { Label: "string", Value: "int", To: "int", HostNetwork: "string" };
const check: Shape = {
  Name: "string",
  Type: "string",
  Path: "string",
  Interval: "int",
  Timeout: "int",
  PortLabel: "string",
};
const task: Shape = {
  Name: "string",
  Driver: "string",
  Config: "any",
  Env: "map",
  Meta: "map",
  KillTimeout: "int",
  Templates: [
    {
      EmbeddedTmpl: "string",
      DestPath: "string",
      Envvars: "bool",
      ChangeMode: "string",
      SourcePath: "string",
    },
  ],
  Resources: { CPU: "int", Cores: "int", MemoryMB: "int", MemoryMaxMB: "int" },
};
const update: Shape = {
  MaxParallel: "int",
  Canary: "int",
  AutoPromote: "bool",
  AutoRevert: "bool",
  HealthCheck: "string",
  MinHealthyTime: "int",
  HealthyDeadline: "int",
};
/** api.Job, as far as the double goes. */
export const jobShape: Shape = {
  ID: "string",
  Name: "string",
  Type: "string",
  Namespace: "string",
  Region: "string",
  Datacenters: "strings",
  Meta: "map",
  Update: update,
  TaskGroups: [
    {
      Name: "string",
      Count: "int",
      Meta: "map",
      Update: update,
      Networks: [{ Mode: "string", DynamicPorts: [port], ReservedPorts: [port] }],
      Services: [
        { Name: "string", PortLabel: "string", Provider: "string", Tags: "strings", Checks: [check] },
      ],
      Tasks: [task],
    },
  ],
};

const goType: Record<string, string> = {
  string: "string",
  int: "int",
  number: "float64",
  bool: "bool",
  strings: "[]string",
  map: "map[string]string",
};

function jsType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "object" ? "object" : typeof v;
}

/** The first decoding error of `value` against `shape`, as Go's encoding/json words it; undefined if none. */
export function decodeError(value: unknown, shape: Shape, path: string): string | undefined {
  if (value === null || shape === "any") return undefined;
  const wrong = (want: string) =>
    `json: cannot unmarshal ${jsType(value)} into Go struct field ${path} of type ${want}`;
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return wrong(`[]${path.split(".").pop()}`);
    for (const item of value) {
      const e = decodeError(item, shape[0]!, path);
      if (e) return e;
    }
    return undefined;
  }
  if (typeof shape === "object") {
    if (jsType(value) !== "object") return wrong("struct");
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const sub = shape[k];
      if (!sub) return `json: unknown field "${k}"`;
      const e = decodeError(v, sub, `${path}.${k}`);
      if (e) return e;
    }
    return undefined;
  }
  const ok =
    shape === "string"
      ? typeof value === "string"
      : shape === "int"
        ? Number.isInteger(value)
        : shape === "number"
          ? typeof value === "number"
          : shape === "bool"
            ? typeof value === "boolean"
            : shape === "strings"
              ? Array.isArray(value) && value.every((s) => typeof s === "string")
              : jsType(value) === "object" &&
                Object.values(value as object).every((s) => typeof s === "string");
  return ok ? undefined : wrong(goType[shape] ?? shape);
}

/** Job.Validate's complaints the double knows, as Nomad lists them ("N errors occurred: * ..."). */
export function validationErrors(job: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (!job.ID) errors.push("Missing job ID");
  else if (/\s/.test(String(job.ID))) errors.push("Job ID contains a space");
  if (!job.Name) errors.push("Missing job name");
  if (!job.Type) errors.push("Missing job type");
  const groups = (job.TaskGroups ?? []) as Record<string, unknown>[];
  if (groups.length === 0) errors.push("Missing job task groups");
  groups.forEach((g, i) => {
    if (!g.Name) errors.push(`Task group ${i + 1} missing name`);
    if (((g.Tasks ?? []) as unknown[]).length === 0)
      errors.push(`Task group ${g.Name ?? i + 1}: Missing tasks for task group`);
    for (const t of (g.Tasks ?? []) as Record<string, unknown>[])
      if (!t.Driver) errors.push(`Task group ${g.Name}: Task ${t.Name}: Missing task driver`);
  });
  return errors;
}

/** Nomad's multierror text for a list of errors. */
export function multiError(errors: string[]): string {
  const head = errors.length === 1 ? "1 error occurred:" : `${errors.length} errors occurred:`;
  return `${head}\n${errors.map((e) => `\t* ${e}`).join("\n")}\n\n`;
}

import * as api from "@berth/proto";
import { apiComments, methodPolicy } from "@berth/proto";
import type { DescService } from "@bufbuild/protobuf";
import { cliCommands } from "./cli-commands.js";

/** One method as the API reference lists it. */
export interface ApiMethod {
  /** "berth.v1.Service/Method" */
  fullName: string;
  name: string;
  kind: string;
  input: string;
  output: string;
  comment: string;
  /** Who may call it: "deployer or higher", "router tokens", "anyone"; "nobody" when it has no policy. */
  access: string;
  /** The dashboard may call it through the BFF. */
  browser: boolean;
  cli?: string;
}

export interface ApiServiceEntry {
  name: string;
  comment: string;
  methods: ApiMethod[];
}

const kinds: Record<string, string> = {
  unary: "unary",
  server_streaming: "server stream",
  client_streaming: "client stream",
  bidi_streaming: "bidirectional stream",
};

function accessOf(fullName: string): { access: string; browser: boolean } {
  const policy = methodPolicy(fullName);
  if (!policy) return { access: "nobody", browser: false };
  if (policy.public) return { access: "anyone", browser: !!policy.browser };
  const tokenKinds = (policy.kinds ?? ["login"]).filter((k) => k !== "login");
  const login = (policy.kinds ?? ["login"]).includes("login")
    ? [`${policy.role ?? "any"} role or higher`]
    : [];
  const parts = [...login, ...tokenKinds.map((k) => `${k} tokens`)];
  return { access: parts.join(", "), browser: !!policy.browser };
}

/** Every berth.v1 service and method, with its comment, who may call it and its CLI command. Pure. */
export function apiReference(): ApiServiceEntry[] {
  const services = (Object.values(api) as unknown[]).filter(
    (v): v is DescService =>
      typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "service",
  );
  return services
    .filter((s) => s.typeName.startsWith("berth.v1."))
    .sort((a, b) => a.typeName.localeCompare(b.typeName))
    .map((s) => ({
      name: s.typeName,
      comment: apiComments[s.typeName] ?? "",
      methods: s.methods.map((m) => {
        const fullName = `${s.typeName}/${m.name}`;
        return {
          fullName,
          name: m.name,
          kind: kinds[m.methodKind] ?? m.methodKind,
          input: m.input.typeName,
          output: m.output.typeName,
          comment: apiComments[fullName] ?? "",
          ...accessOf(fullName),
          cli: cliCommands[fullName],
        };
      }),
    }));
}

/** The entries whose service, method, comment or CLI command contain the text (case-insensitive). */
export function filterApi(entries: ApiServiceEntry[], text: string): ApiServiceEntry[] {
  const q = text.trim().toLowerCase();
  if (!q) return entries;
  return entries
    .map((s) => ({
      ...s,
      methods: s.methods.filter((m) =>
        [m.fullName, m.comment, m.cli ?? "", s.comment].some((t) => t.toLowerCase().includes(q)),
      ),
    }))
    .filter((s) => s.methods.length > 0);
}

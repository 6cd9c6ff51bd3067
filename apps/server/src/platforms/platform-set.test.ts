import { describe, expect, it } from "vitest";
import type { DeploymentSpec, InstanceView, Platform } from "./platform.js";
import { createPlatformSet } from "./platform-set.js";

/** A platform that records what it was asked and runs deployments as bare ids. */
function recordingPlatform(name: string) {
  const calls: string[] = [];
  const live = new Set<string>();
  const listeners = new Set<(id: string) => void>();
  const platform: Platform = {
    name,
    async deploy(spec) {
      calls.push(`deploy ${spec.deploymentId}`);
      live.add(spec.deploymentId);
      for (const l of listeners) l(spec.deploymentId);
    },
    async destroy(id) {
      calls.push(`destroy ${id}`);
      live.delete(id);
    },
    instances: (id) => (live.has(id) ? [{ id: `${name}-${id}` } as InstanceView] : []),
    liveDeployments: () => [...live],
    async resume(specs) {
      for (const s of specs) live.add(s.deploymentId);
      calls.push(`resume ${specs.map((s) => s.deploymentId).join(",")}`);
      return { adopted: specs.length, started: 0 };
    },
    setInstancePort: (instanceId) => instanceId.startsWith(`${name}-`),
    async released(id) {
      calls.push(`released ${id}`);
    },
    async tokenRenewed(id, instanceId, secret) {
      calls.push(`token ${id} ${instanceId} ${secret}`);
    },
    async close() {
      calls.push("close");
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { platform, calls };
}

const spec = (deploymentId: string, platform?: string) =>
  ({ deploymentId, ...(platform && { platform }) }) as DeploymentSpec;

describe("createPlatformSet", () => {
  it("routes each deployment's operations to the platform its spec names, process by default", async () => {
    const made = new Map<string, ReturnType<typeof recordingPlatform>>();
    const set = createPlatformSet((name) => {
      const p = recordingPlatform(name);
      made.set(name, p);
      return p.platform;
    });
    expect([...made.keys()]).toEqual(["process"]); // docker is created on first use only
    const changed: string[] = [];
    set.onChange((id) => changed.push(id));

    await set.deploy(spec("a"), new AbortController().signal);
    await set.deploy(spec("b", "docker"), new AbortController().signal);
    expect(changed).toEqual(["a", "b"]);
    expect(set.instances("a")).toEqual([{ id: "process-a" }]);
    expect(set.instances("b")).toEqual([{ id: "docker-b" }]);
    expect(set.liveDeployments().sort()).toEqual(["a", "b"]);
    expect(set.setInstancePort("docker-b", 1234)).toBe(true);
    expect(set.setInstancePort("nobody", 1234)).toBe(false);

    // A renewed token goes to the platform of its deployment only; one of no live deployment goes nowhere.
    await set.tokenRenewed!("b", "docker-b", "s3cret");
    await set.tokenRenewed!("nobody", "x", "s3cret");
    await set.released!("b");

    await set.destroy("b");
    expect(made.get("docker")!.calls).toEqual([
      "deploy b",
      "token b docker-b s3cret",
      "released b",
      "destroy b",
    ]);
    expect(made.get("process")!.calls).toEqual(["deploy a"]);
    // A deployment no platform runs (say, after a restart) is destroyed on every platform in use.
    await set.destroy("gone");
    expect(made.get("process")!.calls.at(-1)).toBe("destroy gone");
    expect(made.get("docker")!.calls.at(-1)).toBe("destroy gone");

    await set.close();
    expect(made.get("process")!.calls.at(-1)).toBe("close");
    expect(made.get("docker")!.calls.at(-1)).toBe("close");
  });

  it("resumes each platform's deployments on it and adds up the counts", async () => {
    const made = new Map<string, ReturnType<typeof recordingPlatform>>();
    const set = createPlatformSet((name) => {
      const p = recordingPlatform(name);
      made.set(name, p);
      return p.platform;
    });
    const counts = await set.resume([spec("a"), spec("b", "docker"), spec("c", "docker")]);
    expect(counts).toEqual({ adopted: 3, started: 0 });
    expect(made.get("process")!.calls).toEqual(["resume a"]);
    expect(made.get("docker")!.calls).toEqual(["resume b,c"]);
    expect(set.instances("c")).toEqual([{ id: "docker-c" }]);
  });

  it("names the platforms it has for an unknown one", () => {
    const set = createPlatformSet((name) => {
      if (name !== "process") throw new Error(`unknown deploy platform "${name}"`);
      return recordingPlatform(name).platform;
    });
    return expect(set.deploy(spec("a", "nomad"), new AbortController().signal)).rejects.toThrow(
      'unknown deploy platform "nomad"',
    );
  });
});

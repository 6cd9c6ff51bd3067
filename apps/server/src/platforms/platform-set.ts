import type { DeploymentSpec, Platform, ResumeCounts } from "./platform.js";

/**
 * All the platforms of one server behind the one Platform interface: each deployment's operations go to the
 * platform that runs it (its spec's `platform`, "process" by default). Platforms are created on first use,
 * so a server whose deployments are all processes never talks to Docker.
 */
export function createPlatformSet(make: (name: string) => Platform): Platform {
  const platforms = new Map<string, Platform>();
  const owners = new Map<string, Platform>();
  const listeners = new Set<(deploymentId: string) => void>();

  function named(name = "process"): Platform {
    let p = platforms.get(name);
    if (!p) {
      p = make(name);
      platforms.set(name, p);
      p.onChange((id) => {
        for (const l of listeners) l(id);
      });
    }
    return p;
  }
  named("process");

  /** The platform running a deployment; undefined when none of this server's platforms knows it. */
  function ownerOf(deploymentId: string): Platform | undefined {
    return (
      owners.get(deploymentId) ??
      [...platforms.values()].find((p) => p.liveDeployments().includes(deploymentId))
    );
  }

  return {
    name: "platforms",
    async deploy(spec, signal) {
      const p = named(spec.platform);
      owners.set(spec.deploymentId, p);
      await p.deploy(spec, signal);
    },
    async destroy(deploymentId) {
      const owner = ownerOf(deploymentId);
      // A deployment no platform runs (not resumed, or its server restarted) may have left instances on any.
      const targets = owner ? [owner] : [...platforms.values()];
      await Promise.all(targets.map((p) => p.destroy(deploymentId)));
      owners.delete(deploymentId);
    },
    async scale(spec) {
      const owner = ownerOf(spec.deploymentId);
      if (!owner) throw new Error(`deployment ${spec.deploymentId} runs on none of this server's platforms`);
      if (!owner.scale) throw new Error(`the ${owner.name} platform cannot change an instance count yet`);
      await owner.scale(spec);
    },
    instances: (deploymentId) => ownerOf(deploymentId)?.instances(deploymentId) ?? [],
    liveDeployments: () => [...platforms.values()].flatMap((p) => p.liveDeployments()),
    async resume(specs) {
      const byPlatform = new Map<Platform, DeploymentSpec[]>();
      for (const spec of specs) {
        const p = named(spec.platform);
        owners.set(spec.deploymentId, p);
        byPlatform.set(p, [...(byPlatform.get(p) ?? []), spec]);
      }
      const counts: ResumeCounts = { adopted: 0, started: 0 };
      for (const [p, list] of byPlatform) {
        const c = await p.resume(list);
        counts.adopted += c.adopted;
        counts.started += c.started;
      }
      return counts;
    },
    async released(deploymentId) {
      await ownerOf(deploymentId)?.released?.(deploymentId);
    },
    async tokenRenewed(deploymentId, instanceId, secret) {
      await ownerOf(deploymentId)?.tokenRenewed?.(deploymentId, instanceId, secret);
    },
    setInstancePort: (instanceId, port) =>
      [...platforms.values()].some((p) => p.setInstancePort(instanceId, port)),
    async close(options) {
      await Promise.all([...platforms.values()].map((p) => p.close(options)));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    nativeLogs(instanceId, options) {
      const p = platformOfInstance(instanceId);
      if (!p?.nativeLogs) throw new Error(`no platform-native logs for instance ${instanceId}`);
      return p.nativeLogs(instanceId, options);
    },
    async nativeExec(instanceId, request, signal) {
      const p = platformOfInstance(instanceId);
      if (!p?.nativeExec) throw new Error(`no platform-native exec for instance ${instanceId}`);
      return p.nativeExec(instanceId, request, signal);
    },
  };

  /** The platform one of whose deployments has this instance. */
  function platformOfInstance(instanceId: string): Platform | undefined {
    return [...platforms.values()].find((p) =>
      p.liveDeployments().some((d) => p.instances(d).some((i) => i.id === instanceId)),
    );
  }
}

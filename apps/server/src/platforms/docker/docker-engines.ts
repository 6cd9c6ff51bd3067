import type Docker from "dockerode";
import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import { dockerClient, dockerSocketOf, pingDocker } from "./docker-client.js";
import { type ContainerEvent, followDockerEvents } from "./docker-events.js";
import { sweepOrphans } from "./sweep-orphans.js";

export interface DockerEnginesOptions {
  db: Kysely<Database>;
  /** A container event of any engine reached (its engine alongside). */
  onEvent: (docker: Docker, e: ContainerEvent) => void;
  onError: (err: unknown) => void;
}

/** The Docker engines the platform talks to, one client per socket. */
export interface DockerEngines {
  /** The engine on berth.hcl's `socket` (default: DOCKER_HOST), checked, swept and followed on first contact. */
  connect(socket: string | number | undefined): Promise<Docker>;
  /** Every engine reached so far. */
  reached(): Docker[];
  /** Stops following their events. */
  close(): Promise<void>;
}

/**
 * One client per socket: the first contact pings the engine (a clear error naming the socket), removes the
 * containers of deployments the store records as destroyed, and follows the engine's container events.
 */
export function createDockerEngines(options: DockerEnginesOptions): DockerEngines {
  const { db, onError } = options;
  const clients = new Map<string, Docker>();
  const watchers = new Map<string, Promise<() => void>>();
  return {
    async connect(socketOption) {
      const socket = dockerSocketOf(socketOption);
      let docker = clients.get(socket);
      if (!docker) {
        docker = await dockerClient(socket);
        await pingDocker(docker, socket);
        clients.set(socket, docker);
        // First contact with this engine since the server started: containers of destroyed deployments go.
        sweepOrphans(docker, db).catch(onError);
      }
      const d = docker;
      let watcher = watchers.get(socket);
      if (!watcher) {
        watcher = followDockerEvents(d, (e) => options.onEvent(d, e), onError);
        watchers.set(socket, watcher);
        watcher.catch(() => watchers.delete(socket));
      }
      // Resolves once the event stream is open: a container started after this is not missed.
      await watcher;
      return d;
    },
    reached: () => [...clients.values()],
    async close() {
      for (const w of watchers.values()) (await w.catch(() => () => {}))();
      watchers.clear();
    },
  };
}

import type Docker from "dockerode";

/** The Docker socket a deployment names (berth.hcl `socket`), else $DOCKER_HOST, else the usual path. */
export function dockerSocketOf(option: string | number | undefined): string {
  if (typeof option === "string" && option !== "") return option;
  return process.env.DOCKER_HOST || "/var/run/docker.sock";
}

/**
 * A client for a socket path, `unix:///path` or `tcp://host:port` (the DOCKER_HOST forms). dockerode loads on
 * first use only (the CLI bundle leaves it to node_modules): a server running only processes never needs it.
 */
export async function dockerClient(socket: string): Promise<Docker> {
  const { default: Docker } = await import("dockerode");
  if (socket.startsWith("tcp://")) {
    const url = new URL(socket.replace(/^tcp:/, "http:"));
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: "http" });
  }
  return new Docker({ socketPath: socket.replace(/^unix:\/\//, "") });
}

/** Fails with one clear error naming the socket when no Docker engine answers on it. */
export async function pingDocker(docker: Docker, socket: string): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`the Docker engine at ${socket} does not answer: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

import type Docker from "dockerode";

export interface ContainerEvent {
  containerId: string;
  /** "start", "die", "destroy", ... */
  action: string;
  /** For "die": the exit code as Docker reports it. */
  exitCode: string;
}

/**
 * Follows the engine's events for containers carrying Berth labels. Resolves once the stream is open (so a
 * container started after it is not missed) with a function that stops following.
 */
export async function followDockerEvents(
  docker: Docker,
  onEvent: (e: ContainerEvent) => void,
  onError: (err: unknown) => void,
): Promise<() => void> {
  const stream = (await docker.getEvents({
    filters: JSON.stringify({ type: ["container"], label: ["berth.deployment"] }),
  })) as NodeJS.ReadableStream & { destroy(): void };
  let buffered = "";
  stream.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line) continue;
      try {
        const e = JSON.parse(line) as {
          id?: string;
          Action?: string;
          status?: string;
          Actor?: { ID?: string; Attributes?: Record<string, string> };
        };
        onEvent({
          containerId: e.Actor?.ID ?? e.id ?? "",
          action: e.Action ?? e.status ?? "",
          exitCode: e.Actor?.Attributes?.exitCode ?? "",
        });
      } catch (err) {
        onError(err);
      }
    }
  });
  stream.on("error", onError);
  return () => stream.destroy();
}

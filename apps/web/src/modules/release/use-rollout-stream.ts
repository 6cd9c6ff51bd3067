import { type Rollout, RolloutService } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import { useTransport } from "@connectrpc/connect-query";
import { useEffect, useState } from "react";

/**
 * The app's rollout, live: the server sends it on every change and every second while it runs (the canary's and
 * the baseline's metrics). Reconnects after a drop with a growing pause; `loaded` is false until the first answer.
 */
export function useRolloutStream(project: string, app: string) {
  const transport = useTransport();
  const [rollout, setRollout] = useState<Rollout | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setRollout(undefined);
    setLoaded(false);
    setError(undefined);
    const abort = new AbortController();
    const client = createClient(RolloutService, transport);
    const run = async () => {
      for (let attempt = 0; !abort.signal.aborted; attempt++) {
        try {
          for await (const res of client.watchRollout({ app: { project, app } }, { signal: abort.signal })) {
            attempt = 0;
            setError(undefined);
            setRollout(res.rollout);
            setLoaded(true);
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          setError(err);
        }
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
      }
    };
    void run();
    return () => abort.abort();
  }, [project, app, transport]);
  return { rollout, loaded, error };
}

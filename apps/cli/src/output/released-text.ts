import type { Application } from "@berth/proto";

/** What an app's URL serves: "v3", or during a canary "v3 90% + v4 10%"; "" when nothing is released. */
export function releasedText(app: Pick<Application, "releasedSeq" | "releasedTargets">): string {
  if (app.releasedTargets.length > 1)
    return app.releasedTargets.map((t) => `v${t.seq} ${t.weight}%`).join(" + ");
  return app.releasedSeq ? `v${app.releasedSeq}` : "";
}

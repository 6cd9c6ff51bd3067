import { escapeHtml, htmlPage } from "./html-page.js";

/** What the confirm page sends back (and the GET carried). */
export interface CliLoginRequest {
  port: string;
  state: string;
  challenge: string;
}

/**
 * The page that asks before a CLI on this computer gets a token: one same-origin form, so a page
 * elsewhere cannot mint a token by sending the browser here.
 */
export function cliLoginConfirmPage(request: CliLoginRequest, who: string, csrf: string): string {
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return htmlPage(
    "Sign in the berth CLI",
    `<p>A <code>berth login</code> on this computer (waiting on 127.0.0.1:${escapeHtml(request.port)}) asks to sign in as <strong>${escapeHtml(who)}</strong>.</p>
<p>Only continue if you just ran it.</p>
<form method="post" action="/auth/cli">
${hidden("port", request.port)}
${hidden("state", request.state)}
${hidden("challenge", request.challenge)}
${hidden("csrf", csrf)}
<button type="submit" style="font-size: 1rem; padding: 0.5rem 1.25rem">Sign in the CLI</button>
</form>`,
  );
}

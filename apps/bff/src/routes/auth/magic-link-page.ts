import { escapeHtml, htmlPage } from "./html-page.js";

/** A small static page for a login link that did not work (no scripts, so it passes the CSP). */
export function magicLinkPage(title: string, text: string): string {
  return htmlPage(title, `<p>${escapeHtml(text)}</p>\n<p><a href="/">Go to the sign-in page</a></p>`);
}

/**
 * The page a login link opens: one same-origin form that POSTs the code. Opening the link signs no
 * one in (link scanners and cross-site pages only ever GET it); pressing the button does.
 */
export function magicLinkSignInPage(code: string): string {
  return htmlPage(
    "Sign in to Berth",
    `<p>This one-time link signs this browser in to the Berth dashboard.</p>
<form method="post" action="/auth/magic">
<input type="hidden" name="code" value="${escapeHtml(code)}">
<button type="submit" style="font-size: 1rem; padding: 0.5rem 1.25rem">Sign in</button>
</form>`,
  );
}

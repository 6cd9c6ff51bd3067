import type { TestOidcProviderResponse } from "@berth/proto";

/** What a discovery test found, or why it failed, announced to screen readers. */
export function TestResult({ result }: { result: TestOidcProviderResponse }) {
  return (
    <div
      role="status"
      className={`mt-2 rounded-md border p-2 text-sm ${
        result.ok
          ? "border-green-300 bg-green-50 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200"
          : "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
      }`}
    >
      <p className="font-medium">{result.ok ? "Discovery works" : "Discovery failed"}</p>
      <p>{result.message}</p>
      {result.ok ? (
        <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 text-xs">
          <dt>Authorization</dt>
          <dd className="break-all">{result.authorizationEndpoint}</dd>
          <dt>Token</dt>
          <dd className="break-all">{result.tokenEndpoint}</dd>
          <dt>Keys</dt>
          <dd className="break-all">{result.jwksUri}</dd>
        </dl>
      ) : null}
    </div>
  );
}

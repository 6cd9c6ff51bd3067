import { useCallback, useMemo } from "react";
import { useLocation } from "wouter";
import { useUrl } from "./use-url.js";

/** The next query: a whole new one, or one made from (a copy of) the current query. */
type SearchParamsUpdate =
  | URLSearchParams
  | Record<string, string>
  | ((current: URLSearchParams) => URLSearchParams | Record<string, string>);

/**
 * The URL's query and a setter, like react-router's hook. Not wouter's own: that one decodes the query with
 * decodeURI before parsing (so "q=%2541" reads back as "A", not "%41") and hands its updater the live object.
 */
export function useSearchParams(): [
  URLSearchParams,
  (next: SearchParamsUpdate, options?: { replace?: boolean }) => void,
] {
  const [path, search] = useUrl();
  const [, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const setParams = useCallback(
    (next: SearchParamsUpdate, options?: { replace?: boolean }) => {
      const query = new URLSearchParams(
        typeof next === "function" ? next(new URLSearchParams(params)) : next,
      ).toString();
      navigate(`${path}${query ? `?${query}` : ""}`, options);
    },
    [navigate, params, path],
  );
  return [params, setParams];
}

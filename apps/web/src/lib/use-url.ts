import { useRouter } from "wouter";

/**
 * The current path and query (without "?") as the URL has them, still percent-encoded: wouter's useLocation and
 * useSearch decode them, which is right for matching and display but loses "%25" when written back.
 */
export function useUrl(): [path: string, search: string] {
  const router = useRouter();
  const [path] = router.hook(router);
  const search = router.searchHook(router);
  return [path, search.startsWith("?") ? search.slice(1) : search];
}

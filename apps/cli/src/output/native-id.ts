/**
 * An instance's engine id as people read it: a Docker container id cut to its first 12 characters as `docker ps`
 * shows it; a pod name or allocation id as it is. Empty for a process on the server's host.
 */
export function shortNativeId(nativeId: string): string {
  return /^[0-9a-f]{64}$/.test(nativeId) ? nativeId.slice(0, 12) : nativeId;
}

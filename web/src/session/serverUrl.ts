/**
 * Where the Socket.IO server lives: the page's own origin in production (jam-server serves web/dist),
 * and in `vite` dev mode a jam-server on port 3001 of the same host unless VITE_JAM_SERVER_URL says otherwise.
 */
export function defaultServerUrl(): string {
  if (import.meta.env.DEV) {
    return import.meta.env.VITE_JAM_SERVER_URL ?? `${location.protocol}//${location.hostname}:3001`;
  }
  return window.location.origin;
}

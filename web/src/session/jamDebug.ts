/**
 * `window.__jamDebug`: read-only views of the page's timing for end-to-end tests (which beats the
 * metronome fired, on the server's clock), plus a way to cut the connection abruptly, since a
 * browser's offline mode does not close a websocket that is already open.
 */
import { useEffect } from "react";
import type { BeatLog } from "../music/beatLog";
import type { JamService } from "../hooks/useJamSession";
import type { SocketService } from "../services/socketService";

export interface JamDebug {
  /** Server times (ms since the epoch) of the metronome's latest beats, oldest first. */
  beatTimes(): number[];
  /** The server's time now, as this page estimates it. */
  serverNow(): number;
  /** Closes the transport under the socket as a network failure would (the service then resumes). */
  dropConnection(): void;
}

declare global {
  interface Window {
    __jamDebug?: JamDebug;
  }
}

function dropConnection(service: JamService): void {
  const raw = "rawSocket" in service ? (service as SocketService).rawSocket : null;
  raw?.io.engine?.close();
}

export function useJamDebug(service: JamService, beatLog: BeatLog): void {
  useEffect(() => {
    const debug: JamDebug = {
      beatTimes: () => beatLog.times(),
      serverNow: () => service.serverNow(),
      dropConnection: () => dropConnection(service),
    };
    window.__jamDebug = debug;
    return () => {
      if (window.__jamDebug === debug) delete window.__jamDebug;
    };
  }, [service, beatLog]);
}

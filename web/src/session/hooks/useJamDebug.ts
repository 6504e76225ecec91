/**
 * `window.__jamDebug`: read-only views of the page's timing for end-to-end tests (which beats the
 * metronome fired, on the server's clock), plus a way to cut the connection abruptly, since a
 * browser's offline mode does not close a websocket that is already open.
 */
import { useEffect } from "react";
import type { SoundEngine } from "../../hooks/usePlayback";
import type { LoggedBeat, MetronomeLog } from "../../music/beatLog";
import type { ExpressionState } from "../../music/expression";
import type { PlayedVoice } from "../../music/synth";
import type { ClockEstimate } from "../clock/clockSync";
import type { JamService } from "../commands/sessionContext";
import type { SocketService } from "../service/socketService";

export interface JamDebug {
  /** Server times (ms since the epoch) of the metronome's latest beats shown, oldest first. */
  beatTimes(): number[];
  /** Server times of the latest clicks handed to Web Audio (those taken back left out), oldest first. */
  clickTimes(): number[];
  /** The beats shown, each also on this machine's clock (as the shared clock mapped it). */
  beats(): LoggedBeat[];
  /** The clicks handed to Web Audio, each also on this machine's clock. */
  clicks(): LoggedBeat[];
  /** The server's time now, as this page estimates it. */
  serverNow(): number;
  /** The clock estimate (offset, best round trip, spread of the samples that count); null unsynced. */
  clock(): ClockEstimate | null;
  /** The latest notes this page sounded: voice key ("local:60", "<senderId>:60"), note, velocity, instrument. */
  voices(): PlayedVoice[];
  /** Keys of the voices sounding now (a sustain pedal keeps released ones here). */
  sounding(): string[];
  /** Each player's pitch bend and mod wheel as this page's synth applies them ("local" is ours). */
  expression(): Record<string, ExpressionState>;
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

export function useJamDebug(service: JamService, timing: MetronomeLog, synth: Pick<SoundEngine, "playedVoices" | "sounding" | "expressionStates">): void {
  useEffect(() => {
    const debug: JamDebug = {
      beatTimes: () => timing.beats.times(),
      clickTimes: () => timing.clicks.times(),
      beats: () => timing.beats.logged(),
      clicks: () => timing.clicks.logged(),
      serverNow: () => service.serverNow(),
      clock: () => service.clockEstimate,
      voices: () => synth.playedVoices(),
      sounding: () => synth.sounding(),
      expression: () => synth.expressionStates(),
      dropConnection: () => dropConnection(service),
    };
    window.__jamDebug = debug;
    return () => {
      if (window.__jamDebug === debug) delete window.__jamDebug;
    };
  }, [service, timing, synth]);
}

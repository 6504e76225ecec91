/**
 * The jam page: the landing view until we are in a session, then the session view. Session state
 * lives in useJamSession; usePlayback ties notes (ours and others') to sound, lights and the network.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useJamSession, type JamService } from "../../session/hooks/useJamSession";
import type { Participant } from "../../types/protocol";
import { useNoteLights } from "../../hooks/useNoteLights";
import { useAudioUnlock, useLocalPlayer, useRemoteNotePlayer, type SoundEngine } from "../../hooks/usePlayback";
import { MetronomeLog } from "../../music/beatLog";
import { colorIn } from "../../music/colors";
import { synth as defaultSynth } from "../../music/synth";
import { localNow } from "../../session/clock/clockSync";
import { socketService } from "../../session/service/socketService";
import { roomCodeFromSearch } from "../../session/roomLink";
import { defaultServerUrl } from "../../session/serverUrl";
import { useJamDebug } from "../../session/hooks/useJamDebug";
import { readStoredName } from "../../session/storedName";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { Landing } from "./Landing";
import { SessionView } from "./SessionView";

export interface JamSessionProps {
  /** Defaults to the app's socketService; tests pass a fake. */
  service?: JamService;
  serverUrl?: string;
  synth?: SoundEngine;
}

export function JamSession({ service = socketService, serverUrl, synth = defaultSynth }: JamSessionProps) {
  const url = useMemo(() => serverUrl ?? defaultServerUrl(), [serverUrl]);
  const [storedName] = useState(readStoredName);
  const [urlRoomCode] = useState(() => roomCodeFromSearch(window.location.search));
  const lights = useNoteLights();
  // Remote notes are coloured by who is in the room now; the handler outlives renders, so a ref.
  const participantsRef = useRef<readonly Participant[]>([]);
  const colorOf = useCallback((id: string) => colorIn(participantsRef.current, id), []);
  const instrumentOf = useCallback(
    (id: string) => participantsRef.current.find((p) => p.id === id)?.instrument ?? "piano",
    [],
  );
  const jam = useJamSession(service, url, useRemoteNotePlayer(lights, synth, colorOf, instrumentOf), storedName);
  const { state } = jam;
  participantsRef.current = state.participants;
  const myInstrument = instrumentOf(state.myId);
  const player = useLocalPlayer({
    lights,
    synth,
    myColor: colorOf(state.myId),
    myInstrument,
    send: jam.send,
    logOwnPlay: jam.logOwnPlay,
  });
  useAudioUnlock(synth);
  const [timing] = useState(() => new MetronomeLog());
  useJamDebug(service, timing, synth);
  // Server time to this machine's: the shared clock's offset at the moment of scheduling.
  const click = useCallback(
    (atServerMs: number, accent: boolean) => synth.clickAt(atServerMs - (service.serverNow() - localNow()), accent),
    [synth, service],
  );

  // Out of the session nothing may stay lit or keep sounding.
  const { clear } = lights;
  useEffect(() => {
    if (state.phase === "session") return;
    clear();
    synth.silence();
  }, [state.phase, clear, synth]);

  return (
    <div className="app">
      <header className="top-bar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            ♪
          </span>
          Jam Session
        </span>
        <ConnectionIndicator state={state.connection} />
      </header>
      <main className="content">
        {state.phase === "session" ? (
          <SessionView
            state={state}
            keyColors={lights.keyColors}
            padColors={lights.padColors}
            {...player}
            onLeave={jam.leave}
            host={jam.host}
            serverUrl={url}
            clock={service}
            timing={timing}
            click={click}
            clockEstimate={service.clockEstimate}
            onChat={jam.sendChat}
            instrument={myInstrument}
            onInstrument={jam.setInstrument}
          />
        ) : (
          <Landing
            initialName={state.name}
            initialRoomCode={state.roomCode || urlRoomCode}
            busy={state.phase === "joining"}
            error={state.error}
            onCreate={jam.create}
            onJoin={jam.join}
          />
        )}
      </main>
    </div>
  );
}

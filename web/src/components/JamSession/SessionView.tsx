/**
 * Inside a session: the room header, the tempo and metronome, the instruments, recording, who is
 * here and what just happened. The host's controls appear only for the host.
 */
import type { HostActions } from "../../session/commands/hostActions";
import type { LitColors } from "../../hooks/useNoteLights";
import type { JamState } from "../../session/state/jamState";
import type { ClickScheduler, MetronomeClock } from "../../hooks/useMetronome";
import type { MetronomeLog } from "../../music/beatLog";
import type { ClockEstimate } from "../../session/clock/clockSync";
import { ActivityLog } from "./ActivityLog";
import { ChatPanel } from "./ChatPanel";
import { InstrumentPicker } from "./InstrumentPicker";
import type { Instrument } from "../../types/protocol";
import { DrumPads } from "./DrumPads";
import type { LocalPlayer } from "../../hooks/usePlayback";
import { MidiPanel } from "../../midi/MidiPanel";
import { ErrorMessage } from "./ErrorMessage";
import { Keyboard } from "./Keyboard";
import { ParticipantList } from "./ParticipantList";
import { RecordingPanel } from "./RecordingPanel";
import { RoomHeader } from "./RoomHeader";
import { TransportPanel } from "./TransportPanel";

export interface SessionViewProps extends LocalPlayer {
  state: JamState;
  keyColors: LitColors;
  padColors: LitColors;
  onLeave(): void;
  host: HostActions;
  /** The jam-server's URL (take downloads are relative to it). */
  serverUrl: string;
  /** The shared clock the metronome runs on. */
  clock: MetronomeClock;
  timing?: MetronomeLog;
  click?: ClickScheduler;
  /** How well our clock agrees with the server's (read at each render). */
  clockEstimate?: ClockEstimate | null;
  /** Says a line in the room's chat; resolves true once the server took it. */
  onChat(text: string): Promise<boolean>;
  /** Our keys' sound, and how to change it. */
  instrument: Instrument;
  onInstrument(instrument: Instrument): void;
}

export function SessionView(props: SessionViewProps) {
  const { state, keyColors, padColors, onNoteOn, onNoteOff, onDrum, onLeave, host, serverUrl, clock, timing, click } =
    props;
  const isHost = state.myId !== "" && state.myId === state.hostId;
  const listening = state.participants.find((p) => p.id === state.myId)?.role === "listener";
  const hostName = state.participants.find((p) => p.id === state.hostId)?.name ?? "The host";
  return (
    <div className="session">
      <RoomHeader roomCode={state.roomCode} onLeave={onLeave} />
      <ErrorMessage message={state.error} />
      <div className="session-grid">
        <div className="instruments">
          <TransportPanel
            settings={state.settings}
            transport={state.transport}
            isHost={isHost}
            hostName={hostName}
            clock={clock}
            timing={timing}
            click={click}
            controls={host}
          />
          {listening ? (
            <section className="panel listening-panel" aria-label="Listening">
              <p>
                You are listening: you hear and see everything and can chat. The host can invite you to
                play.
              </p>
            </section>
          ) : (
            <>
              <InstrumentPicker instrument={props.instrument} onChange={props.onInstrument} />
              <MidiPanel player={props} />
              <Keyboard keyColors={keyColors} onNoteOn={onNoteOn} onNoteOff={onNoteOff} />
              <DrumPads padColors={padColors} onHit={onDrum} />
            </>
          )}
        </div>
        <aside className="sidebar">
          <RecordingPanel
            recording={state.recording}
            isHost={isHost}
            hostName={hostName}
            serverUrl={serverUrl}
            clock={clock}
            controls={host}
          />
          <ParticipantList
            participants={state.participants}
            myId={state.myId}
            hostId={state.hostId}
            latency={state.latency}
            myClock={props.clockEstimate}
            moderation={isHost ? host : undefined}
          />
          <ChatPanel messages={state.chat} participants={state.participants} myId={state.myId} onSend={props.onChat} />
          <ActivityLog entries={state.log} />
        </aside>
      </div>
    </div>
  );
}

/** Inside a session: the room header, the instruments, who is here and what just happened. */
import type { LitColors } from "../../hooks/useNoteLights";
import type { JamState } from "../../hooks/jamReducer";
import { ActivityLog } from "./ActivityLog";
import { DrumPads } from "./DrumPads";
import { ErrorMessage } from "./ErrorMessage";
import { Keyboard } from "./Keyboard";
import { ParticipantList } from "./ParticipantList";
import { RoomHeader } from "./RoomHeader";

export interface SessionViewProps {
  state: JamState;
  keyColors: LitColors;
  padColors: LitColors;
  onNoteOn(note: number, velocity: number): void;
  onNoteOff(note: number): void;
  onDrum(note: number, velocity: number): void;
  onLeave(): void;
}

export function SessionView({ state, keyColors, padColors, onNoteOn, onNoteOff, onDrum, onLeave }: SessionViewProps) {
  return (
    <div className="session">
      <RoomHeader roomCode={state.roomCode} onLeave={onLeave} />
      <ErrorMessage message={state.error} />
      <div className="session-grid">
        <div className="instruments">
          <Keyboard keyColors={keyColors} onNoteOn={onNoteOn} onNoteOff={onNoteOff} />
          <DrumPads padColors={padColors} onHit={onDrum} />
        </div>
        <aside className="sidebar">
          <ParticipantList participants={state.participants} myId={state.myId} />
          <ActivityLog entries={state.log} />
        </aside>
      </div>
    </div>
  );
}

/** Who is in the room, each with their colour (the one their notes light up in); "(you)" marks us. */
import type { CSSProperties } from "react";
import { assignColors, colorForId } from "../../music/colors";
import type { Participant } from "../../types/protocol";

export interface ParticipantListProps {
  participants: readonly Participant[];
  myId: string;
}

export function ParticipantList({ participants, myId }: ParticipantListProps) {
  const colors = assignColors(participants.map((p) => p.id));
  return (
    <section className="panel participants-panel" aria-labelledby="participants-title">
      <div className="panel-heading">
        <h2 id="participants-title">In the room</h2>
        <span className="count" aria-hidden="true">
          {participants.length}
        </span>
      </div>
      <ul aria-label="Participants" className="participants">
        {participants.map((participant) => {
          const color = colors.get(participant.id) ?? colorForId(participant.id);
          const isMe = participant.id === myId;
          return (
            <li key={participant.id} className={isMe ? "me" : undefined} style={{ "--player-color": color } as CSSProperties}>
              <span className="swatch" data-color={color} style={{ backgroundColor: color }} aria-hidden="true" />
              <span className="participant-name">{participant.name}</span>
              {isMe && <span className="you"> (you)</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * Who is in the room, each with their colour (the one their notes light up in); "(you)" marks us,
 * a badge the host, and each line shows the round trip to the server. Someone whose connection
 * dropped stays listed, greyed, while the server holds their seat. The host can hand over the role
 * or remove someone.
 */
import type { CSSProperties } from "react";
import { assignColors, colorForId } from "../../music/colors";
import type { Participant } from "../../types/protocol";

export interface ModerationActions {
  makeHost(userId: string): void;
  remove(userId: string): void;
}

export interface ParticipantListProps {
  participants: readonly Participant[];
  myId: string;
  hostId?: string | null;
  /** Round trips in ms, by participant id. */
  latency?: Readonly<Record<string, number>>;
  /** Given only to the host. */
  moderation?: ModerationActions;
}

function Moderation({ participant, actions }: { participant: Participant; actions: ModerationActions }) {
  const { id, name } = participant;
  return (
    <span className="moderation">
      <button type="button" className="mini-button" aria-label={`Make ${name} host`} onClick={() => actions.makeHost(id)}>
        Make host
      </button>
      <button type="button" className="mini-button danger" aria-label={`Remove ${name}`} onClick={() => actions.remove(id)}>
        Remove
      </button>
    </span>
  );
}

interface EntryProps {
  participant: Participant;
  color: string;
  isMe: boolean;
  isHost: boolean;
  rttMs?: number;
  moderation?: ModerationActions;
}

function ParticipantEntry({ participant, color, isMe, isHost, rttMs, moderation }: EntryProps) {
  const classes = [isMe && "me", participant.away && "away"].filter(Boolean).join(" ");
  return (
    <li
      className={classes || undefined}
      data-id={participant.id}
      data-away={participant.away ? "true" : undefined}
      data-host={isHost ? "true" : undefined}
      style={{ "--player-color": color } as CSSProperties}
    >
      <span className="swatch" data-color={color} style={{ backgroundColor: color }} aria-hidden="true" />
      <span className="participant-label">
        <span className="participant-name">{participant.name}</span>
        {isMe && <span className="you"> (you)</span>}
        {isHost && (
          <>
            {" "}
            <span className="badge host-badge">host</span>
          </>
        )}
        {participant.away && (
          <>
            {" "}
            <span className="badge away-badge">away</span>
          </>
        )}
      </span>
      {rttMs !== undefined && !participant.away && (
        <span className="latency" title="Round trip to the server">
          {Math.round(rttMs)} ms
        </span>
      )}
      {moderation && !isMe && <Moderation participant={participant} actions={moderation} />}
    </li>
  );
}

export function ParticipantList({ participants, myId, hostId = null, latency = {}, moderation }: ParticipantListProps) {
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
        {participants.map((participant) => (
          <ParticipantEntry
            key={participant.id}
            participant={participant}
            color={colors.get(participant.id) ?? colorForId(participant.id)}
            isMe={participant.id === myId}
            isHost={participant.id === hostId}
            rttMs={latency[participant.id]}
            moderation={moderation}
          />
        ))}
      </ul>
    </section>
  );
}

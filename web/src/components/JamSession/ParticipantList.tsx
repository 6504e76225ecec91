/**
 * Who is in the room, each with their colour (the one their notes light up in); "(you)" marks us,
 * a badge the host, and each line shows the round trip to the server. Someone whose connection
 * dropped stays listed, greyed, while the server holds their seat. The host can hand over the role
 * or remove someone.
 */
import type { CSSProperties } from "react";
import { assignColors, colorForId } from "../../music/colors";
import type { ClockEstimate } from "../../session/clock/clockSync";
import type { Participant, Role } from "../../types/protocol";

/** The host's commands this list sends (../../session/service/hostCommands.ts). */
export interface ModerationActions {
  transferHost(userId: string): void;
  kick(userId: string): void;
  setRole(userId: string, role: Role): void;
}

export interface ParticipantListProps {
  participants: readonly Participant[];
  myId: string;
  hostId?: string | null;
  /** Round trips in ms, by participant id. */
  latency?: Readonly<Record<string, number>>;
  /** Our shared clock's estimate (shown on our own round-trip badge). */
  myClock?: ClockEstimate | null;
  /** Given only to the host. */
  moderation?: ModerationActions;
}

function Moderation({ participant, actions }: { participant: Participant; actions: ModerationActions }) {
  const { id, name } = participant;
  const listening = participant.role === "listener";
  return (
    <span className="moderation">
      {listening ? (
        <button type="button" className="mini-button" aria-label={`Invite ${name} to play`} onClick={() => actions.setRole(id, "player")}>
          Invite to play
        </button>
      ) : (
        <>
          <button type="button" className="mini-button" aria-label={`Make ${name} host`} onClick={() => actions.transferHost(id)}>
            Make host
          </button>
          <button type="button" className="mini-button" aria-label={`Make ${name} a listener`} onClick={() => actions.setRole(id, "listener")}>
            Listen only
          </button>
        </>
      )}
      <button type="button" className="mini-button danger" aria-label={`Remove ${name}`} onClick={() => actions.kick(id)}>
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
  /** Our own clock's estimate, shown on our badge. */
  clock?: ClockEstimate | null;
  moderation?: ModerationActions;
}

/** "Round trip to the server", and for our own line how well our clock agrees with the server's. */
function latencyTitle(clock: ClockEstimate | null | undefined): string {
  if (!clock) return "Round trip to the server";
  const best = clock.rtt.toFixed(1);
  const spread = clock.spread.toFixed(1);
  return `Round trip to the server · shared clock within ±${(clock.rtt / 2).toFixed(1)} ms (best round trip ${best} ms, samples agree within ${spread} ms)`;
}

function ParticipantEntry({ participant, color, isMe, isHost, rttMs, clock, moderation }: EntryProps) {
  const classes = [isMe && "me", participant.away && "away"].filter(Boolean).join(" ");
  return (
    <li
      className={classes || undefined}
      data-id={participant.id}
      data-away={participant.away ? "true" : undefined}
      data-host={isHost ? "true" : undefined}
      data-role={participant.role}
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
        {participant.role === "listener" && (
          <>
            {" "}
            <span className="badge listener-badge">listening</span>
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
        <span className="latency" title={latencyTitle(isMe ? clock : null)} data-clock-rtt={isMe ? clock?.rtt : undefined}>
          {Math.round(rttMs)} ms
        </span>
      )}
      {moderation && !isMe && <Moderation participant={participant} actions={moderation} />}
    </li>
  );
}

export function ParticipantList(props: ParticipantListProps) {
  const { participants, myId, hostId = null, latency = {}, myClock, moderation } = props;
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
            clock={myClock}
            moderation={moderation}
          />
        ))}
      </ul>
    </section>
  );
}

/**
 * The link to the server at a glance. The text is exactly "connected", "reconnecting" or
 * "offline"; a first connection attempt counts as "reconnecting" (we are trying to get there).
 */
import type { ConnectionState } from "../../session/service/socketService";

export type ShownConnectionState = "connected" | "reconnecting" | "offline";

export function shownConnectionState(state: ConnectionState): ShownConnectionState {
  if (state === "connected" || state === "offline") return state;
  return "reconnecting";
}

const TITLES: Record<ShownConnectionState, string> = {
  connected: "Connected to the jam server",
  reconnecting: "Connecting to the jam server…",
  offline: "Not connected to the jam server",
};

export function ConnectionIndicator({ state }: { state: ConnectionState }) {
  const shown = shownConnectionState(state);
  return (
    <span className="connection" data-testid="connection" data-state={shown} title={TITLES[shown]} role="status">
      {shown}
    </span>
  );
}

/**
 * All of the jam page's socketService wiring as one hook: connect on mount, create/join/leave,
 * live participants, the room's host, settings, transport, recording and latency, relayed notes
 * and errors. After a dropped connection the service resumes the room by itself; the hook follows
 * its reports.
 * The logic lives in ../commands/ and ../state/; this hook binds it to React state.
 */
import { useEffect, useMemo, useReducer, useRef } from "react";
import type { PlayData } from "../../music/noteMessages";
import type { Instrument } from "../../types/protocol";
import { hostActions, type HostActions } from "../commands/hostActions";
import * as commands from "../commands/sessionCommands";
import { IDLE_INTENT, type JamService, type RemoteNoteHandler, type SessionContext } from "../commands/sessionContext";
import { jamReducer } from "../state/jamReducer";
import { initialJamState, type JamAction, type JamState } from "../state/jamState";

export type { JamService, RemoteNoteHandler } from "../commands/sessionContext";
export type { HostActions } from "../commands/hostActions";

export interface JamSessionApi {
  state: JamState;
  create(name: string): void;
  join(name: string, roomCode: string, listen?: boolean): void;
  leave(): void;
  /** Sends a note event to the others, if we are in the room and connected (else it is dropped). */
  send(eventName: string, data: PlayData): void;
  /** Logs our own playing, as others will see it. */
  logOwnPlay(what: string): void;
  /** Says `text` to the room; resolves false (and shows why) when it was refused. */
  sendChat(text: string): Promise<boolean>;
  /** Our keys' sound from now on, for everyone. */
  setInstrument(instrument: Instrument): void;
  host: HostActions;
}

/** Subscribes the page to everything the service reports; returns the unsubscribers. */
function subscribe(service: JamService, ctx: SessionContext, dispatch: (action: JamAction) => void) {
  return [
    service.onConnectionState((s) => commands.onConnectionState(ctx, s)),
    service.onSessionJoined((payload) => commands.acceptJoined(ctx, payload)),
    service.onSessionResumed((payload) => commands.acceptResumed(ctx, payload)),
    service.onUserJoined((payload) => dispatch({ type: "userJoined", payload })),
    service.onUserLeft((payload) => commands.onUserLeft(ctx, payload)),
    service.onUserAway((payload) => dispatch({ type: "userAway", payload })),
    service.onUserBack((payload) => dispatch({ type: "userBack", payload })),
    service.onUserUpdated((payload) => dispatch({ type: "userUpdated", payload })),
    service.onHostChanged((payload) => dispatch({ type: "hostChanged", payload })),
    service.onSettingsChanged((payload) => dispatch({ type: "settingsChanged", payload })),
    service.onTransportState((payload) => dispatch({ type: "transport", payload })),
    service.onRecordingState((payload) => dispatch({ type: "recording", payload })),
    service.onLatency((payload) => dispatch({ type: "latency", payload })),
    service.onChatMessage((payload) => dispatch({ type: "chat", payload })),
    service.onKicked((payload) => commands.onKicked(ctx, payload)),
    service.onEvent((event) => commands.onRelayedEvent(ctx, event)),
    service.onError((payload) => commands.onServerError(ctx, payload)),
  ];
}

export function useJamSession(
  service: JamService,
  serverUrl: string,
  onRemoteNote: RemoteNoteHandler,
  initialName = "",
): JamSessionApi {
  const [state, dispatch] = useReducer(jamReducer, initialName, initialJamState);
  const intent = useRef({ ...IDLE_INTENT });
  const attempt = useRef(0);
  const remoteNote = useRef(onRemoteNote);
  remoteNote.current = onRemoteNote;
  const ctx = useMemo<SessionContext>(() => ({ service, dispatch, intent, attempt, remoteNote }), [service]);

  useEffect(() => {
    const unsubscribers = subscribe(service, ctx, dispatch);
    service.connect(serverUrl).catch(() => undefined); // The connection indicator shows failures.
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      service.disconnect();
    };
  }, [service, serverUrl, ctx]);

  const actions = useMemo(
    () => ({
      create: (name: string) => void commands.createAndJoin(ctx, name),
      join: (name: string, roomCode: string, listen = false) => void commands.join(ctx, name, roomCode, listen),
      leave: () => commands.leave(ctx),
      send: (eventName: string, data: PlayData) => commands.send(ctx, eventName, data),
      logOwnPlay: (what: string) => dispatch({ type: "played", what }),
      sendChat: (text: string) => commands.sendChat(ctx, text),
      setInstrument: (instrument: Instrument) => commands.setInstrument(ctx, instrument),
      host: hostActions(ctx),
    }),
    [ctx],
  );
  return { state, ...actions };
}

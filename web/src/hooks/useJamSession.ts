/**
 * All of the jam page's socketService wiring as one hook: connect on mount, create/join/leave,
 * live participants, relayed notes, errors, and rejoining the room by itself after a reconnect.
 * The logic lives in sessionCommands.ts; this hook binds it to React state.
 */
import { useEffect, useMemo, useReducer, useRef } from "react";
import type { NoteData } from "../music/noteMessages";
import { initialJamState, jamReducer, type JamState } from "./jamReducer";
import * as commands from "./sessionCommands";
import type { JamService, RemoteNoteHandler, SessionContext } from "./sessionCommands";

export type { JamService, RemoteNoteHandler } from "./sessionCommands";

export interface JamSessionApi {
  state: JamState;
  create(name: string): void;
  join(name: string, roomCode: string): void;
  leave(): void;
  /** Sends a note event to the others, if we are in the room and connected (else it is dropped). */
  send(eventName: string, data: NoteData): void;
  /** Logs our own playing, as others will see it. */
  logOwnPlay(what: string): void;
}

export function useJamSession(
  service: JamService,
  serverUrl: string,
  onRemoteNote: RemoteNoteHandler,
  initialName = "",
): JamSessionApi {
  const [state, dispatch] = useReducer(jamReducer, initialName, initialJamState);
  const intent = useRef({ ...commands.IDLE_INTENT });
  const attempt = useRef(0);
  const remoteNote = useRef(onRemoteNote);
  remoteNote.current = onRemoteNote;
  const ctx = useMemo<SessionContext>(() => ({ service, dispatch, intent, attempt, remoteNote }), [service]);

  useEffect(() => {
    const unsubscribers = [
      service.onConnectionState((s) => commands.onConnectionState(ctx, s)),
      service.onSessionJoined((payload) => commands.acceptJoined(ctx, payload)),
      service.onUserJoined((payload) => dispatch({ type: "userJoined", payload })),
      service.onUserLeft((payload) => dispatch({ type: "userLeft", payload })),
      service.onEvent((event) => commands.onRelayedEvent(ctx, event)),
      service.onError((payload) => commands.onServerError(ctx, payload)),
    ];
    service.connect(serverUrl).catch(() => undefined); // The connection indicator shows failures.
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      service.disconnect();
    };
  }, [service, serverUrl, ctx]);

  const actions = useMemo(
    () => ({
      create: (name: string) => void commands.createAndJoin(ctx, name),
      join: (name: string, roomCode: string) => void commands.join(ctx, name, roomCode),
      leave: () => commands.leave(ctx),
      send: (eventName: string, data: NoteData) => commands.send(ctx, eventName, data),
      logOwnPlay: (what: string) => dispatch({ type: "played", what }),
    }),
    [ctx],
  );
  return { state, ...actions };
}

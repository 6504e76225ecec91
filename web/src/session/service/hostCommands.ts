/**
 * Every host command as one table: the event it sends and what its payload holds beside the
 * `roomCode`. SocketService gets one method per entry (`kick(roomCode, userId)`), the page one host
 * action (`host.kick(userId)`, ../commands/hostActions.ts) and the test fake one mock, so a new host
 * command is one entry here plus its button. The server checks the role; a refusal rejects.
 */
import {
  ClientEvents,
  type CommandAck,
  type ParticipantRequest,
  type Role,
  type SetRoleRequest,
  type SettingsPatch,
  type TransportStartRequest,
  type UpdateSettingsRequest,
} from "../../types/protocol";

/** A request's payload without its `roomCode`, which every host command carries first. */
type Beside<Request> = Omit<Request, "roomCode">;

export type TransportStartOptions = Beside<TransportStartRequest>;

export const HOST_COMMANDS = {
  /** Hands the host role to another participant. */
  transferHost: {
    event: ClientEvents.TRANSFER_HOST,
    payload: (userId: string): Beside<ParticipantRequest> => ({ userId }),
  },
  /** Changes some of the room's settings (all or nothing). */
  updateSettings: {
    event: ClientEvents.UPDATE_SETTINGS,
    payload: (settings: SettingsPatch): Beside<UpdateSettingsRequest> => ({ settings }),
  },
  /** Removes a participant from the room. */
  kick: {
    event: ClientEvents.KICK,
    payload: (userId: string): Beside<ParticipantRequest> => ({ userId }),
  },
  /** Makes `userId` a player or a listener; everyone hears `session:user-updated`. */
  setRole: {
    event: ClientEvents.SET_ROLE,
    payload: (userId: string, role: Role): Beside<SetRoleRequest> => ({ userId, role }),
  },
  /**
   * Starts the transport at server time `at` (default: as soon as everyone can hear of it, on the
   * running grid's next beat if playing) from `startBeat`.
   */
  startTransport: {
    event: ClientEvents.TRANSPORT_START,
    payload: (options: TransportStartOptions = {}): TransportStartOptions => options,
  },
  stopTransport: { event: ClientEvents.TRANSPORT_STOP, payload: () => ({}) },
  /** Starts a take; everyone hears of it through `recording:state`. */
  startRecording: { event: ClientEvents.RECORDING_START, payload: () => ({}) },
  /** Ends the take; its `recording:state` carries the download link. */
  stopRecording: { event: ClientEvents.RECORDING_STOP, payload: () => ({}) },
} satisfies Record<string, HostCommand>;

/** One entry of HOST_COMMANDS. */
export interface HostCommand {
  event: (typeof ClientEvents)[keyof typeof ClientEvents];
  payload(...args: never[]): object;
}

export type HostCommandName = keyof typeof HOST_COMMANDS;
export type HostCommandArgs<K extends HostCommandName> = Parameters<(typeof HOST_COMMANDS)[K]["payload"]>;

export const HOST_COMMAND_NAMES = Object.keys(HOST_COMMANDS) as HostCommandName[];

/** The commands as SocketService's methods: `kick(roomCode, userId)`, `startRecording(roomCode)`, … */
export type HostCommandMethods = {
  [K in keyof typeof HOST_COMMANDS]: (roomCode: string, ...args: HostCommandArgs<K>) => Promise<CommandAck>;
};

/** What a host command sends: its event, and a payload with the room first, then what the entry adds. */
export function hostCommandMessage(
  name: HostCommandName,
  roomCode: string,
  args: readonly unknown[],
): { event: string; payload: object } {
  const command: HostCommand = HOST_COMMANDS[name];
  const payload = command.payload as (...args: readonly unknown[]) => object;
  return { event: command.event, payload: { roomCode, ...payload(...args) } };
}

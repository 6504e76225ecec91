/**
 * Turns notes into sound, light and network traffic: our own presses sound and light in our
 * colour and go to the others; theirs sound and light in the sender's colour.
 */
import { useCallback, useEffect } from "react";
import { colorForId } from "../music/colors";
import { NOTE_OFF, NOTE_ON, type NoteData } from "../music/noteMessages";
import { DRUM_CHANNEL, drumName, noteName } from "../music/notes";
import type { Synth } from "../music/synth";
import type { Instrument } from "../types/protocol";
import type { RemoteNoteHandler } from "./sessionCommands";
import { REMOTE_NOTE_SAFETY_MS, type NoteLights } from "./useNoteLights";

export type SoundEngine = Pick<Synth, "unlock" | "noteOn" | "noteOff" | "drum" | "silence" | "clickAt" | "playedVoices">;

/** Lights and voices of our own playing are keyed by this owner, whatever our id in the room. */
const LOCAL = "local";

export interface LocalPlayer {
  onNoteOn(note: number, velocity: number): void;
  onNoteOff(note: number): void;
  onDrum(note: number, velocity: number): void;
}

interface LocalPlayerDeps {
  lights: NoteLights;
  synth: SoundEngine;
  myColor: string;
  /** The sound we picked. */
  myInstrument: Instrument;
  send(eventName: string, data: NoteData): void;
  logOwnPlay(what: string): void;
}

export function useLocalPlayer({ lights, synth, myColor, myInstrument, send, logOwnPlay }: LocalPlayerDeps): LocalPlayer {
  const { lightKey, unlightKey, flashPad } = lights;
  const onNoteOn = useCallback(
    (note: number, velocity: number) => {
      synth.noteOn(`${LOCAL}:${note}`, note, velocity, myInstrument);
      lightKey(LOCAL, note, myColor);
      send(NOTE_ON, { note, velocity });
      logOwnPlay(noteName(note));
    },
    [synth, lightKey, myColor, myInstrument, send, logOwnPlay],
  );
  const onNoteOff = useCallback(
    (note: number) => {
      synth.noteOff(`${LOCAL}:${note}`);
      unlightKey(LOCAL, note);
      send(NOTE_OFF, { note, velocity: 0 });
    },
    [synth, unlightKey, send],
  );
  const onDrum = useCallback(
    (note: number, velocity: number) => {
      synth.drum(note, velocity);
      flashPad(note, myColor);
      send(NOTE_ON, { note, velocity, channel: DRUM_CHANNEL });
      logOwnPlay(drumName(note));
    },
    [synth, flashPad, myColor, send, logOwnPlay],
  );
  return { onNoteOn, onNoteOff, onDrum };
}

/** Sounds (with the sender's instrument) and lights notes from the others; a lost note off cannot
 * leave a key lit for ever. */
export function useRemoteNotePlayer(
  lights: NoteLights,
  synth: SoundEngine,
  colorOf: (id: string) => string = colorForId,
  instrumentOf: (id: string) => Instrument = () => "piano",
): RemoteNoteHandler {
  const { lightKey, unlightKey, flashPad } = lights;
  return useCallback<RemoteNoteHandler>(
    (message, senderId) => {
      const color = colorOf(senderId);
      const voiceKey = `${senderId}:${message.note}`;
      if (message.isDrum) {
        if (message.kind === "on") {
          synth.drum(message.note, message.velocity);
          flashPad(message.note, color);
        }
      } else if (message.kind === "on") {
        synth.noteOn(voiceKey, message.note, message.velocity, instrumentOf(senderId));
        lightKey(senderId, message.note, color, REMOTE_NOTE_SAFETY_MS);
      } else {
        synth.noteOff(voiceKey);
        unlightKey(senderId, message.note);
      }
    },
    [synth, lightKey, unlightKey, flashPad, colorOf, instrumentOf],
  );
}

/** Browsers start audio only from a user gesture: create/resume the AudioContext on the first one. */
export function useAudioUnlock(synth: Pick<Synth, "unlock">): void {
  useEffect(() => {
    const unlock = () => synth.unlock();
    window.addEventListener("pointerdown", unlock, true);
    window.addEventListener("keydown", unlock, true);
    return () => {
      window.removeEventListener("pointerdown", unlock, true);
      window.removeEventListener("keydown", unlock, true);
    };
  }, [synth]);
}

/**
 * Turns notes into sound, light and network traffic: our own presses sound and light in our
 * colour and go to the others; theirs sound and light in the sender's colour.
 */
import { useCallback, useEffect, useRef } from "react";
import { colorForId } from "../music/colors";
import { ControlPacer } from "../music/controlPacer";
import {
  CONTROL_CHANGE,
  MOD_WHEEL,
  NOTE_OFF,
  NOTE_ON,
  PITCH_BEND,
  SUSTAIN_PEDAL,
  pedalDown,
  type NoteMessage,
  type PlayData,
} from "../music/noteMessages";
import { DRUM_CHANNEL, drumName, noteName } from "../music/notes";
import { Sustain } from "../music/sustain";
import type { Synth } from "../music/synth";
import type { RemoteNoteHandler } from "../session/commands/sessionContext";
import type { Instrument } from "../types/protocol";
import { REMOTE_NOTE_SAFETY_MS, type NoteLights } from "./useNoteLights";

export type SoundEngine = Pick<
  Synth,
  "unlock" | "noteOn" | "noteOff" | "drum" | "bend" | "modulate" | "silence" | "clickAt" | "playedVoices" | "sounding" | "expressionStates"
>;

/** Lights and voices of our own playing are keyed by this owner, whatever our id in the room. */
const LOCAL = "local";

export interface LocalPlayer {
  onNoteOn(note: number, velocity: number): void;
  onNoteOff(note: number): void;
  onDrum(note: number, velocity: number): void;
  /** A MIDI controller moved: sustain pedal (64) and mod wheel (1) act here; all are relayed. */
  onControl(controller: number, value: number): void;
  /** The pitch bend wheel (−8192…8191). */
  onBend(value: number): void;
}

interface LocalPlayerDeps {
  lights: NoteLights;
  synth: SoundEngine;
  myColor: string;
  /** The sound we picked. */
  myInstrument: Instrument;
  send(eventName: string, data: PlayData): void;
  logOwnPlay(what: string): void;
}

export function useLocalPlayer({ lights, synth, myColor, myInstrument, send, logOwnPlay }: LocalPlayerDeps): LocalPlayer {
  const { lightKey, unlightKey, flashPad } = lights;
  const sustain = useRef(new Sustain()).current;
  const pacer = useRef(new ControlPacer()).current;
  const onNoteOn = useCallback(
    (note: number, velocity: number) => {
      pacer.flush(); // The note starts with the bend and modulation the others last heard.
      sustain.press(note);
      synth.noteOn(`${LOCAL}:${note}`, note, velocity, myInstrument);
      lightKey(LOCAL, note, myColor);
      send(NOTE_ON, { note, velocity });
      logOwnPlay(noteName(note));
    },
    [synth, lightKey, myColor, myInstrument, send, logOwnPlay, sustain, pacer],
  );
  const onNoteOff = useCallback(
    (note: number) => {
      if (sustain.release(note)) synth.noteOff(`${LOCAL}:${note}`);
      unlightKey(LOCAL, note);
      send(NOTE_OFF, { note, velocity: 0 });
    },
    [synth, unlightKey, send, sustain],
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
  const onControl = useCallback(
    (controller: number, value: number) => {
      if (controller === SUSTAIN_PEDAL) {
        const down = pedalDown(value);
        if (down === sustain.pedalDown) return; // A half-pedal sweep: only the moves that matter go out.
        for (const note of sustain.setPedal(down)) synth.noteOff(`${LOCAL}:${note}`);
        send(CONTROL_CHANGE, { controller, value });
        return;
      }
      if (controller === MOD_WHEEL) synth.modulate(LOCAL, value);
      pacer.offer(`cc${controller}`, () => send(CONTROL_CHANGE, { controller, value }));
    },
    [synth, send, sustain, pacer],
  );
  const onBend = useCallback(
    (value: number) => {
      synth.bend(LOCAL, value);
      pacer.offer("bend", () => send(PITCH_BEND, { value }));
    },
    [synth, send, pacer],
  );
  return { onNoteOn, onNoteOff, onDrum, onControl, onBend };
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
  /** Each sender's sustain pedal: their released notes ring here until their pedal lifts. */
  const pedals = useRef(new Map<string, Sustain>()).current;
  const keys = useCallback(
    (message: NoteMessage & { kind: "on" | "off" }, senderId: string) => {
      const voiceKey = `${senderId}:${message.note}`;
      const sustain = pedalOf(pedals, senderId);
      if (message.kind === "on") {
        sustain.press(message.note);
        synth.noteOn(voiceKey, message.note, message.velocity, instrumentOf(senderId));
        lightKey(senderId, message.note, colorOf(senderId), REMOTE_NOTE_SAFETY_MS);
      } else {
        if (sustain.release(message.note)) synth.noteOff(voiceKey);
        unlightKey(senderId, message.note);
      }
    },
    [synth, lightKey, unlightKey, colorOf, instrumentOf, pedals],
  );
  return useCallback<RemoteNoteHandler>(
    (message, senderId) => {
      if (message.kind === "bend") return synth.bend(senderId, message.value);
      if (message.kind === "control") return remoteControl(synth, pedalOf(pedals, senderId), senderId, message);
      if (!message.isDrum) return keys(message, senderId);
      if (message.kind === "on") {
        synth.drum(message.note, message.velocity);
        flashPad(message.note, colorOf(senderId));
      }
    },
    [synth, flashPad, colorOf, keys, pedals],
  );
}

function pedalOf(pedals: Map<string, Sustain>, senderId: string): Sustain {
  let sustain = pedals.get(senderId);
  if (!sustain) {
    sustain = new Sustain();
    pedals.set(senderId, sustain);
  }
  return sustain;
}

/** Someone's pedal or mod wheel: the pedal holds their notes here too; the wheel adds vibrato. */
function remoteControl(synth: SoundEngine, sustain: Sustain, senderId: string, { controller, value }: { controller: number; value: number }) {
  if (controller === SUSTAIN_PEDAL) {
    for (const note of sustain.setPedal(pedalDown(value))) synth.noteOff(`${senderId}:${note}`);
  } else if (controller === MOD_WHEEL) {
    synth.modulate(senderId, value);
  }
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

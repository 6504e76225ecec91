/**
 * Plays the page's local player from MIDI inputs while mounted: notes (with their velocity),
 * drum pads on channel 10, the sustain pedal, mod wheel and pitch bend.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { LocalPlayer } from "../hooks/usePlayback";
import type { MidiInputMessage } from "./midiMessages";
import { MidiInputs, type MidiSnapshot } from "./midiInputs";

export interface MidiControls extends MidiSnapshot {
  choose(id: string): void;
}

export function playMidi(player: LocalPlayer, message: MidiInputMessage): void {
  switch (message.kind) {
    case "on":
      return message.isDrum ? player.onDrum(message.note, message.velocity) : player.onNoteOn(message.note, message.velocity);
    case "off":
      return message.isDrum ? undefined : player.onNoteOff(message.note);
    case "control":
      return player.onControl(message.controller, message.value);
    case "bend":
      return player.onBend(message.value);
  }
}

export function useMidiInput(player: LocalPlayer): MidiControls {
  const current = useRef(player);
  current.current = player;
  const [inputs] = useState(() => new MidiInputs((message) => playMidi(current.current, message)));
  useEffect(() => {
    inputs.start();
    return () => inputs.stop();
  }, [inputs]);
  const snapshot = useSyncExternalStore(inputs.subscribe, inputs.getSnapshot);
  return { ...snapshot, choose: inputs.choose };
}

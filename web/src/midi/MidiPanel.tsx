/**
 * The MIDI bar above the keys: which MIDI inputs are plugged in, which one plays (all by default),
 * the device that played last, plugs and unplugs as they happen, or one quiet line on why MIDI is
 * off here. Mounting it asks for MIDI access; it plays through the page's local player.
 */
import type { LocalPlayer } from "../hooks/usePlayback";
import { ALL_INPUTS, type MidiSnapshot } from "./midiInputs";
import { useMidiInput } from "./useMidiInput";
import "./midi.css";

const UNSUPPORTED =
  "No MIDI in this browser: play with the on-screen keys, or use Chrome or Edge for a MIDI keyboard.";

export function MidiPanel({ player }: { player: LocalPlayer }) {
  const midi = useMidiInput(player);
  const { availability } = midi;
  return (
    <section className="midi-bar" aria-label="MIDI">
      <span className="midi-title">MIDI</span>
      {availability.state === "ready" ? (
        <>
          {midi.devices.length > 0 || midi.chosen !== ALL_INPUTS ? (
            <select aria-label="MIDI input" value={midi.chosen} onChange={(event) => midi.choose(event.target.value)}>
              <option value={ALL_INPUTS}>All inputs ({midi.devices.length})</option>
              {inputOptions(midi)}
            </select>
          ) : (
            <span className="midi-line">Plug in a MIDI keyboard: it will show here.</span>
          )}
          <span className="midi-line" role="status" aria-label="MIDI activity">
            {activity(midi)}
          </span>
        </>
      ) : (
        <span className="midi-line">{unavailable(availability)}</span>
      )}
    </section>
  );
}

function unavailable(availability: MidiSnapshot["availability"]): string {
  if (availability.state === "asking") return "Asking for MIDI access…";
  return availability.state === "refused" ? availability.reason : UNSUPPORTED;
}

/** The plugged-in devices, and the chosen one even while it is unplugged (it plays again once back). */
function inputOptions({ devices, chosen }: MidiSnapshot) {
  const options = devices.map((device) => (
    <option key={device.id} value={device.id}>
      {device.name}
    </option>
  ));
  if (chosen !== ALL_INPUTS && !devices.some((device) => device.id === chosen)) {
    options.push(
      <option key={chosen} value={chosen} disabled>
        (unplugged)
      </option>,
    );
  }
  return options;
}

function activity({ active, notice }: MidiSnapshot): string {
  const playing = active ? `Playing from ${active}` : "";
  return [notice, playing].filter(Boolean).join(" · ");
}

/** The sound of our keys, as everyone hears it (the drum pads stay drums). */
import { useId } from "react";
import { INSTRUMENTS } from "../../music/instruments";
import type { Instrument } from "../../types/protocol";

export interface InstrumentPickerProps {
  instrument: Instrument;
  onChange(instrument: Instrument): void;
}

export function InstrumentPicker({ instrument, onChange }: InstrumentPickerProps) {
  const id = useId();
  return (
    <div className="instrument-picker">
      <label htmlFor={id}>Sound</label>
      <select id={id} value={instrument} onChange={(event) => onChange(event.target.value as Instrument)}>
        {INSTRUMENTS.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

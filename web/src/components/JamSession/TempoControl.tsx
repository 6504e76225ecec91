/**
 * The host's tempo field. Typed values are applied once they cannot still grow into another valid
 * tempo ("90" at once; "25" might become "250", so it waits a moment), on Enter, or on leaving the
 * field. Out-of-range values are clamped to what the server accepts.
 */
import { useEffect, useId, useRef, useState, type ChangeEvent } from "react";
import { formatBpm } from "../../session/state/logText";

export const MIN_BPM = 20;
export const MAX_BPM = 300;
/** An ambiguous typed value ("25") is applied after this pause. */
const SETTLE_MS = 900;

export interface TempoControlProps {
  bpm: number;
  onChange(bpm: number): void;
}

function parseBpm(text: string): number | null {
  if (text.trim() === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** True when typing one more digit could not give another valid tempo, so waiting is pointless. */
function isSettled(value: number, typed: boolean): boolean {
  return !typed || !Number.isInteger(value) || value * 10 > MAX_BPM;
}

export function TempoControl({ bpm, onChange }: TempoControlProps) {
  const id = useId();
  const [draft, setDraft] = useState(formatBpm(bpm));
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  /** The tempo last asked for (or the room's), so Enter then blur does not ask twice. */
  const asked = useRef(bpm);

  // The room's tempo (ours echoed back, or after a host change) replaces the draft.
  useEffect(() => {
    asked.current = bpm;
    setDraft(formatBpm(bpm));
  }, [bpm]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const apply = (text: string) => {
    clearTimeout(timer.current);
    const value = parseBpm(text);
    if (value === null) return setDraft(formatBpm(bpm));
    const clamped = Math.min(MAX_BPM, Math.max(MIN_BPM, Math.round(value * 10) / 10));
    setDraft(formatBpm(clamped));
    if (clamped === asked.current) return;
    asked.current = clamped;
    onChange(clamped);
  };

  const change = (event: ChangeEvent<HTMLInputElement>) => {
    const text = event.target.value;
    setDraft(text);
    clearTimeout(timer.current);
    const value = parseBpm(text);
    if (value === null || value < MIN_BPM || value > MAX_BPM) return;
    // Keystrokes carry an inputType and may be half a number; other changes (a pasted or filled-in
    // value) are complete.
    const typed = Boolean((event.nativeEvent as Partial<InputEvent>).inputType);
    if (isSettled(value, typed)) apply(text);
    else timer.current = setTimeout(() => apply(text), SETTLE_MS);
  };

  return (
    <div className="tempo-control">
      <label htmlFor={id}>Tempo (BPM)</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={MIN_BPM}
        max={MAX_BPM}
        step={1}
        value={draft}
        onChange={change}
        onBlur={() => apply(draft)}
        onKeyDown={(event) => {
          if (event.key === "Enter") apply(draft);
        }}
      />
    </div>
  );
}

/**
 * The on-screen piano: two octaves (C4–B5) of real <button>s laid out like a piano, played with
 * mouse or touch (pointer events), with the computer keys A W S E D F T G Y H U J K (Z / X shift
 * their octave), or with Enter / Space on a focused key.
 */
import { useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent } from "react";
import type { LitColors } from "../../hooks/useNoteLights";
import { useWindowKeys } from "../../hooks/useWindowKeys";
import {
  DEFAULT_VELOCITY,
  KEYBOARD_OCTAVES,
  OCTAVE_DOWN_CODE,
  OCTAVE_UP_CODE,
  computerKeyLabel,
  keyboardLayout,
  noteForComputerKey,
  noteName,
  whiteKeyCount,
  KEYBOARD_FIRST_NOTE,
  type PianoKey,
} from "../../music/notes";

export interface KeyboardProps {
  /** Lit keys and the colour of who plays each. */
  keyColors: LitColors;
  onNoteOn(note: number, velocity: number): void;
  onNoteOff(note: number): void;
}

type NoteCallbacks = Pick<KeyboardProps, "onNoteOn" | "onNoteOff">;

export function Keyboard({ keyColors, onNoteOn, onNoteOff }: KeyboardProps) {
  const keys = useMemo(() => keyboardLayout(), []);
  const callbacks = useRef<NoteCallbacks>({ onNoteOn, onNoteOff });
  callbacks.current = { onNoteOn, onNoteOff };
  const octaveShift = useComputerKeyboard(callbacks);
  const pointer = usePointerNotes(callbacks);
  const style = { "--white-keys": whiteKeyCount() } as CSSProperties;

  return (
    <section className="panel keyboard-panel" aria-labelledby="keys-title">
      <div className="panel-heading">
        <h2 id="keys-title">Keys</h2>
        <p className="hint">
          Type <kbd>A</kbd>–<kbd>K</kbd> to play from {noteName(KEYBOARD_FIRST_NOTE + octaveShift * 12)} ·{" "}
          <kbd>Z</kbd>/<kbd>X</kbd> octave
        </p>
      </div>
      <div className="keyboard-scroll">
        <div className="keyboard" role="group" aria-label="Piano keys" style={style}>
          {keys.map((key) => (
            <PianoKeyButton
              key={key.note}
              pianoKey={key}
              color={keyColors[key.note]}
              hint={computerKeyLabel(key.note, octaveShift)}
              pointer={pointer}
              callbacks={{ onNoteOn, onNoteOff }}
            />
          ))}
        </div>
      </div>
    </section>
  );
}

interface PianoKeyButtonProps {
  pianoKey: PianoKey;
  color: string | undefined;
  hint: string | undefined;
  pointer: PointerNotes;
  callbacks: NoteCallbacks;
}

function PianoKeyButton({ pianoKey, color, hint, pointer, callbacks }: PianoKeyButtonProps) {
  const { note, name, isBlack, whiteIndex } = pianoKey;
  const style = { "--i": whiteIndex, ...(color ? { background: color } : {}) } as CSSProperties;
  const isActivationKey = (event: KeyboardEvent) => event.key === "Enter" || event.key === " ";
  return (
    <button
      type="button"
      className={`piano-key ${isBlack ? "black" : "white"}`}
      data-note={note}
      data-active={color ? "true" : "false"}
      aria-label={name}
      style={style}
      onPointerDown={(event) => pointer.down(event, note)}
      onPointerEnter={(event) => pointer.enter(event, note)}
      onPointerUp={(event) => pointer.end(event, note)}
      onPointerLeave={(event) => pointer.end(event, note)}
      onPointerCancel={(event) => pointer.end(event, note)}
      onContextMenu={(event) => event.preventDefault()}
      onKeyDown={(event) => {
        if (!isActivationKey(event)) return;
        event.preventDefault();
        if (!event.repeat) callbacks.onNoteOn(note, DEFAULT_VELOCITY);
      }}
      onKeyUp={(event) => {
        if (!isActivationKey(event)) return;
        event.preventDefault();
        callbacks.onNoteOff(note);
      }}
    >
      {hint && <span className="key-hint">{hint}</span>}
      {!isBlack && note % 12 === 0 && <span className="key-name">{name}</span>}
    </button>
  );
}

interface PointerNotes {
  down(event: PointerEvent, note: number): void;
  enter(event: PointerEvent, note: number): void;
  end(event: PointerEvent, note: number): void;
}

/** One note per pointer (so several fingers play a chord); a mouse drag glides across keys. */
function usePointerNotes(callbacks: { current: NoteCallbacks }): PointerNotes {
  const held = useRef(new Map<number, number>());
  return useMemo(() => {
    const start = (pointerId: number, note: number) => {
      const previous = held.current.get(pointerId);
      if (previous === note) return;
      if (previous !== undefined) callbacks.current.onNoteOff(previous);
      held.current.set(pointerId, note);
      callbacks.current.onNoteOn(note, DEFAULT_VELOCITY);
    };
    return {
      down(event, note) {
        if (event.pointerType === "mouse" && event.button !== 0) return;
        event.preventDefault(); // No text selection or focus flicker while playing.
        start(event.pointerId, note);
      },
      enter(event, note) {
        if (event.pointerType === "mouse" && (event.buttons & 1) === 1) start(event.pointerId, note);
      },
      end(event, note) {
        if (held.current.get(event.pointerId) !== note) return;
        held.current.delete(event.pointerId);
        callbacks.current.onNoteOff(note);
      },
    };
  }, [callbacks]);
}

/** Computer keys → notes; returns the current octave shift (0 or 1 octave above C4). */
function useComputerKeyboard(callbacks: { current: NoteCallbacks }): number {
  const [octaveShift, setOctaveShift] = useState(0);
  const shift = useRef(0);
  const held = useRef(new Map<string, number>());
  const releaseAll = () => {
    for (const note of held.current.values()) callbacks.current.onNoteOff(note);
    held.current.clear();
  };
  const setShift = (value: number) => {
    shift.current = Math.min(KEYBOARD_OCTAVES - 1, Math.max(0, value));
    setOctaveShift(shift.current);
  };

  useWindowKeys({
    onKeyDown(code) {
      if (code === OCTAVE_DOWN_CODE) return setShift(shift.current - 1);
      if (code === OCTAVE_UP_CODE) return setShift(shift.current + 1);
      const note = noteForComputerKey(code, shift.current);
      if (note === undefined || held.current.has(code)) return;
      held.current.set(code, note);
      callbacks.current.onNoteOn(note, DEFAULT_VELOCITY);
    },
    onKeyUp(code) {
      const note = held.current.get(code);
      if (note === undefined) return;
      held.current.delete(code);
      callbacks.current.onNoteOff(note);
    },
    onBlur: releaseAll,
  });
  return octaveShift;
}

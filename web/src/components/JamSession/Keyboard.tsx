/**
 * The on-screen piano: four octaves (C3–B6) of real <button>s laid out like a piano, played with
 * mouse or touch (pointer events; a press nearer the key's bottom edge is louder), with the
 * computer keys A W S E D F T G Y H U J K (Z / X or the octave buttons shift them; the keyboard
 * scrolls to show where they play), or with Enter / Space on a focused key.
 */
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type RefObject,
} from "react";
import type { LitColors } from "../../hooks/useNoteLights";
import { useWindowKeys } from "../../hooks/useWindowKeys";
import {
  DEFAULT_VELOCITY,
  KEYBOARD_LAST_NOTE,
  MAX_OCTAVE_SHIFT,
  MIN_OCTAVE_SHIFT,
  OCTAVE_DOWN_CODE,
  OCTAVE_UP_CODE,
  clampOctaveShift,
  computerKeyLabel,
  computerKeysFirstNote,
  keyboardLayout,
  noteForComputerKey,
  noteName,
  velocityAt,
  whiteKeyCount,
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
  const { octaveShift, shiftOctave } = useComputerKeyboard(callbacks);
  const pointer = usePointerNotes(callbacks);
  const scroller = useRef<HTMLDivElement>(null);
  useRevealComputerKeys(scroller, octaveShift);
  const style = { "--white-keys": whiteKeyCount() } as CSSProperties;

  return (
    <section className="panel keyboard-panel" aria-labelledby="keys-title">
      <div className="panel-heading">
        <h2 id="keys-title">Keys</h2>
        <div className="keyboard-controls">
          <p className="hint">
            Type <kbd>A</kbd>–<kbd>K</kbd> to play from {noteName(computerKeysFirstNote(octaveShift))} ·{" "}
            <kbd>Z</kbd>/<kbd>X</kbd> octave
          </p>
          <OctaveButtons octaveShift={octaveShift} onShift={shiftOctave} />
        </div>
      </div>
      <div className="keyboard-scroll" ref={scroller}>
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

/** Z / X for fingers: phones have no computer keys, and these also scroll to the next octave. */
function OctaveButtons({ octaveShift, onShift }: { octaveShift: number; onShift(by: number): void }) {
  return (
    <div className="octave-buttons">
      <button
        type="button"
        className="octave-button"
        aria-label="Octave down"
        title="Octave down (Z)"
        disabled={octaveShift <= MIN_OCTAVE_SHIFT}
        onClick={() => onShift(-1)}
      >
        −
      </button>
      <button
        type="button"
        className="octave-button"
        aria-label="Octave up"
        title="Octave up (X)"
        disabled={octaveShift >= MAX_OCTAVE_SHIFT}
        onClick={() => onShift(1)}
      >
        +
      </button>
    </div>
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

/** How hard a pointer plays a key: from where on the key it pressed (or entered, in a glide). */
function pressVelocity(event: PointerEvent): number {
  const box = event.currentTarget.getBoundingClientRect();
  return velocityAt(event.clientY, box.top, box.height);
}

/** One note per pointer (so several fingers play a chord); a mouse drag glides across keys. */
function usePointerNotes(callbacks: { current: NoteCallbacks }): PointerNotes {
  const held = useRef(new Map<number, number>());
  return useMemo(() => {
    const start = (pointerId: number, note: number, velocity: number) => {
      const previous = held.current.get(pointerId);
      if (previous === note) return;
      if (previous !== undefined) callbacks.current.onNoteOff(previous);
      held.current.set(pointerId, note);
      callbacks.current.onNoteOn(note, velocity);
    };
    return {
      down(event, note) {
        if (event.pointerType === "mouse" && event.button !== 0) return;
        event.preventDefault(); // No text selection or focus flicker while playing.
        start(event.pointerId, note, pressVelocity(event));
      },
      enter(event, note) {
        if (event.pointerType === "mouse" && (event.buttons & 1) === 1) {
          start(event.pointerId, note, pressVelocity(event));
        }
      },
      end(event, note) {
        if (held.current.get(event.pointerId) !== note) return;
        held.current.delete(event.pointerId);
        callbacks.current.onNoteOff(note);
      },
    };
  }, [callbacks]);
}

/**
 * Scrolls the keyboard sideways (never the page, as scrollIntoView might) just enough to show the
 * keys A–K play, so a shifted octave is in view on a narrow screen.
 */
function useRevealComputerKeys(scroller: RefObject<HTMLDivElement | null>, octaveShift: number): void {
  useEffect(() => {
    const low = computerKeysFirstNote(octaveShift);
    revealNotes(scroller.current, low, Math.min(low + 12, KEYBOARD_LAST_NOTE));
  }, [scroller, octaveShift]);
}

function revealNotes(scroller: HTMLElement | null, low: number, high: number): void {
  const lowKey = scroller?.querySelector(`[data-note="${low}"]`);
  const highKey = scroller?.querySelector(`[data-note="${high}"]`);
  if (!scroller || !lowKey || !highKey) return;
  const viewLeft = scroller.getBoundingClientRect().left;
  const from = lowKey.getBoundingClientRect().left - viewLeft;
  const to = highKey.getBoundingClientRect().right - viewLeft;
  const width = scroller.clientWidth; // 0 where nothing is laid out (component tests): no scroll.
  const delta = from < 0 ? from : to > width ? Math.min(to - width, from) : 0;
  if (delta !== 0) scroller.scrollLeft += delta;
}

/** Computer keys → notes; returns the octave shift from C4 (-1 … +2) and a way to change it. */
function useComputerKeyboard(callbacks: { current: NoteCallbacks }) {
  const [octaveShift, setOctaveShift] = useState(0);
  const shift = useRef(0);
  const held = useRef(new Map<string, number>());
  const releaseAll = () => {
    for (const note of held.current.values()) callbacks.current.onNoteOff(note);
    held.current.clear();
  };
  const shiftOctave = (by: number) => {
    shift.current = clampOctaveShift(shift.current + by);
    setOctaveShift(shift.current);
  };

  useWindowKeys({
    onKeyDown(code) {
      if (code === OCTAVE_DOWN_CODE) return shiftOctave(-1);
      if (code === OCTAVE_UP_CODE) return shiftOctave(1);
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
  return { octaveShift, shiftOctave };
}

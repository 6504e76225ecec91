/**
 * Eight General MIDI drum pads. A pad sounds on pointer down (no waiting for the click), on the
 * digit keys 1–8, and on Enter / Space when focused. Drums are one-shots: no note off.
 */
import { useRef, type CSSProperties } from "react";
import type { LitColors } from "../../hooks/useNoteLights";
import { useWindowKeys } from "../../hooks/useWindowKeys";
import { DEFAULT_VELOCITY, DRUM_PADS } from "../../music/notes";

export interface DrumPadsProps {
  /** Pads flashing right now, in the colour of who hit them. */
  padColors: LitColors;
  onHit(note: number, velocity: number): void;
}

export function DrumPads({ padColors, onHit }: DrumPadsProps) {
  const hit = useRef(onHit);
  hit.current = onHit;

  useWindowKeys({
    onKeyDown(code) {
      const pad = DRUM_PADS.find((p) => p.keyCode === code);
      if (pad) hit.current(pad.note, DEFAULT_VELOCITY);
    },
    onKeyUp() {},
  });

  return (
    <section className="panel drums-panel" aria-labelledby="drums-title">
      <div className="panel-heading">
        <h2 id="drums-title">Drums</h2>
        <p className="hint">
          Type <kbd>1</kbd>–<kbd>8</kbd>
        </p>
      </div>
      <div className="drum-pads">
        {DRUM_PADS.map((pad) => {
          const color = padColors[pad.note];
          const style = color ? ({ "--pad-color": color } as CSSProperties) : undefined;
          return (
            <button
              key={pad.note}
              type="button"
              className="drum-pad"
              data-drum={pad.note}
              data-active={color ? "true" : "false"}
              aria-label={pad.label}
              style={style}
              onPointerDown={(event) => {
                if (event.pointerType === "mouse" && event.button !== 0) return;
                event.preventDefault();
                hit.current(pad.note, DEFAULT_VELOCITY);
              }}
              // Keyboard and assistive-technology activation: a click that no pointer press preceded.
              onClick={(event) => {
                if (event.detail === 0) hit.current(pad.note, DEFAULT_VELOCITY);
              }}
              onContextMenu={(event) => event.preventDefault()}
            >
              <span className="pad-label">{pad.label}</span>
              <kbd className="pad-key">{pad.keyCode.slice(-1)}</kbd>
            </button>
          );
        })}
      </div>
    </section>
  );
}

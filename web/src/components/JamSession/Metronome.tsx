/**
 * The shared beat made visible: one dot per beat of the bar, the current one pulsing (the downbeat
 * accented). `data-beat` is the beat in the bar, 1-based (0 while stopped), for tests and styling.
 */
import { useCallback } from "react";
import { useMetronome, type ClickScheduler, type MetronomeClock } from "../../hooks/useMetronome";
import { beatInBar } from "../../music/beatClock";
import type { MetronomeLog } from "../../music/beatLog";
import type { Transport } from "../../types/protocol";

export interface MetronomeProps {
  transport: Transport;
  beatsPerBar: number;
  clock: MetronomeClock;
  log?: MetronomeLog;
  click?: ClickScheduler | null;
}

export function Metronome({ transport, beatsPerBar, clock, log, click }: MetronomeProps) {
  const isDownbeat = useCallback((n: number) => beatInBar(n, beatsPerBar) === 1, [beatsPerBar]);
  const beat = useMetronome({ transport, clock, log, click, isDownbeat });
  const playing = transport.playing && beat !== null;
  const inBar = playing ? beatInBar(beat, beatsPerBar) : 0;
  const label = playing ? `Beat ${inBar} of ${beatsPerBar}` : "Metronome stopped";
  return (
    <div
      className="metronome"
      data-testid="metronome"
      data-beat={inBar}
      data-playing={transport.playing}
      data-accent={inBar === 1}
      role="img"
      aria-label={label}
      title={label}
    >
      {Array.from({ length: Math.max(1, beatsPerBar) }, (_, i) => {
        const on = i + 1 === inBar;
        // A new key on every beat restarts the pulse animation, even for a one-beat bar.
        return (
          <span
            key={on ? `pulse-${beat}` : `dot-${i}`}
            className={`metronome-dot${on ? " on" : ""}${i === 0 ? " downbeat" : ""}`}
          />
        );
      })}
    </div>
  );
}

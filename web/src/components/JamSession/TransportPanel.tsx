/**
 * The room's tempo, meter and key, the shared metronome, and — for the host only — the tempo field
 * and Start / Stop. Everyone may turn the audible click on for themselves.
 */
import { useId, useState } from "react";
import { formatBpm } from "../../session/state/logText";
import type { ClickScheduler, MetronomeClock } from "../../hooks/useMetronome";
import type { MetronomeLog } from "../../music/beatLog";
import type { Settings, SettingsPatch, Transport } from "../../types/protocol";
import { Metronome } from "./Metronome";
import { TempoControl } from "./TempoControl";

/** The host's commands this panel sends (../../session/service/hostCommands.ts). */
export interface TransportControls {
  updateSettings(settings: SettingsPatch): void;
  startTransport(): void;
  stopTransport(): void;
}

export interface TransportPanelProps {
  settings: Settings;
  transport: Transport;
  isHost: boolean;
  hostName: string;
  clock: MetronomeClock;
  timing?: MetronomeLog;
  click?: ClickScheduler;
  controls: TransportControls;
}

/** "120 BPM · 4/4 · key C" (no key part when none is set). */
export function describeSettings(settings: Settings): string {
  const parts = [`${formatBpm(settings.bpm)} BPM`, `${settings.beatsPerBar}/${settings.beatUnit}`];
  if (settings.key) parts.push(`key ${settings.key}`);
  return parts.join(" · ");
}

function HostControls({ settings, transport, controls }: Pick<TransportPanelProps, "settings" | "transport" | "controls">) {
  return (
    <div className="host-controls">
      <TempoControl bpm={settings.bpm} onChange={(bpm) => controls.updateSettings({ bpm })} />
      <div className="transport-buttons">
        <button type="button" className="button primary" onClick={() => controls.startTransport()} disabled={transport.playing}>
          Start
        </button>
        <button type="button" className="button secondary" onClick={() => controls.stopTransport()} disabled={!transport.playing}>
          Stop
        </button>
      </div>
    </div>
  );
}

export function TransportPanel(props: TransportPanelProps) {
  const { settings, transport, isHost, hostName, clock, timing, click, controls } = props;
  const [clickOn, setClickOn] = useState(false);
  const clickId = useId();
  return (
    <section className="panel transport-panel" aria-labelledby="transport-title">
      <div className="panel-heading">
        <h2 id="transport-title">Tempo</h2>
        <span className="hint">{isHost ? "You are the host" : `${hostName} sets the tempo`}</span>
      </div>
      <div className="transport-row">
        <p className="settings-summary" data-testid="settings">
          {describeSettings(settings)}
          {settings.locked && <span className="locked"> · locked</span>}
        </p>
        <Metronome
          transport={transport}
          beatsPerBar={settings.beatsPerBar}
          clock={clock}
          log={timing}
          click={clickOn ? click : null}
        />
        <label className="click-toggle" htmlFor={clickId}>
          <input id={clickId} type="checkbox" checked={clickOn} onChange={(event) => setClickOn(event.target.checked)} />
          Click
        </label>
      </div>
      {isHost && <HostControls settings={settings} transport={transport} controls={controls} />}
    </section>
  );
}

/**
 * Recording: the host starts and stops takes; everyone sees while one runs (its time counted on the
 * shared clock, so every page shows the same) and gets the finished take as a MIDI file, or as JSON.
 */
import { useEffect, useState } from "react";
import type { MetronomeClock } from "../../hooks/useMetronome";
import { countEvents } from "../../session/state/logText";
import { formatElapsed, takeLinks } from "../../session/takeLinks";
import type { RecordingInfo } from "../../types/protocol";

/** The host's commands this panel sends (../../session/service/hostCommands.ts). */
export interface RecordingControls {
  startRecording(): void;
  stopRecording(): void;
}

export interface RecordingPanelProps {
  recording: RecordingInfo | null;
  isHost: boolean;
  hostName: string;
  /** The jam-server's URL, which the take links are relative to. */
  serverUrl: string;
  clock: MetronomeClock;
  controls: RecordingControls;
}

/** Often enough that the seconds turn over on time. */
const TICK_MS = 250;

/** Server ms since `startedAt`, re-read a few times a second while `running`. */
function useElapsed(running: boolean, startedAt: number, clock: MetronomeClock): number {
  const [now, setNow] = useState(() => clock.serverNow());
  useEffect(() => {
    if (!running) return;
    setNow(clock.serverNow());
    const timer = setInterval(() => setNow(clock.serverNow()), TICK_MS);
    return () => clearInterval(timer);
  }, [running, clock]);
  return running ? Math.max(0, now - startedAt) : 0;
}

function RecordingIndicator({ running, elapsedMs }: { running: boolean; elapsedMs: number }) {
  return (
    <span className="recording-indicator" data-testid="recording" data-recording={running}>
      {running ? (
        <>
          <span className="rec-dot" aria-hidden="true">
            ●
          </span>{" "}
          REC <span className="rec-time">{formatElapsed(elapsedMs)}</span>
        </>
      ) : (
        "Not recording"
      )}
    </span>
  );
}

function TakeDownload({ take, serverUrl }: { take: RecordingInfo; serverUrl: string }) {
  const links = take.downloadUrl ? takeLinks(take.downloadUrl, serverUrl) : null;
  if (!links) return null;
  return (
    <div className="take">
      <a className="download-take" data-testid="download-take" href={links.midi} download>
        Download MIDI ({countEvents(take.events)})
      </a>
      <p className="hint">
        {take.reason === "limit" ? "Stopped at the event limit · " : "Last take · "}also as{" "}
        <a href={links.json} target="_blank" rel="noopener noreferrer">
          JSON
        </a>
      </p>
    </div>
  );
}

export function RecordingPanel({ recording, isHost, hostName, serverUrl, clock, controls }: RecordingPanelProps) {
  const running = recording?.recording ?? false;
  const elapsedMs = useElapsed(running, recording?.startedAt ?? 0, clock);
  return (
    <section className="panel recording-panel" aria-labelledby="recording-title">
      <div className="panel-heading">
        <h2 id="recording-title">Recording</h2>
        <span className="hint">{isHost ? "Records everyone's notes" : `${hostName} starts takes`}</span>
      </div>
      <div className="recording-row">
        <RecordingIndicator running={running} elapsedMs={elapsedMs} />
        {isHost &&
          (running ? (
            <button type="button" className="button stop-recording" onClick={() => controls.stopRecording()}>
              Stop recording
            </button>
          ) : (
            <button type="button" className="button record" onClick={() => controls.startRecording()}>
              Record
            </button>
          ))}
      </div>
      {recording && !running && <TakeDownload take={recording} serverUrl={serverUrl} />}
    </section>
  );
}

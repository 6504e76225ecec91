/** The last moments of the jam, newest first: who joined, who left, who played what. */
import type { CSSProperties } from "react";
import type { LogEntry } from "../../session/state/jamState";

export function ActivityLog({ entries }: { entries: readonly LogEntry[] }) {
  return (
    <section className="panel activity-panel" aria-labelledby="activity-title">
      <div className="panel-heading">
        <h2 id="activity-title">Activity</h2>
        <span className="hint">newest first</span>
      </div>
      {entries.length === 0 && <p className="empty">Nothing yet — play something!</p>}
      {/* Focusable, so a keyboard can scroll it once it overflows. */}
      <ol aria-label="Activity" className="activity" tabIndex={0}>
        {entries.map((entry) => (
          <li key={entry.id} style={entry.color ? ({ "--player-color": entry.color } as CSSProperties) : undefined}>
            {entry.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The room code, shown large so it can be read aloud, with copy and share, and the way out. */
import { useEffect, useRef, useState } from "react";
import { copyText, selectContents } from "../../session/clipboard";
import { shareLink } from "../../session/roomLink";

export interface RoomHeaderProps {
  roomCode: string;
  onLeave(): void;
}

const FEEDBACK_MS = 2_500;

export function RoomHeader({ roomCode, onLeave }: RoomHeaderProps) {
  const link = shareLink(window.location.origin, roomCode);
  const codeRef = useRef<HTMLElement>(null);
  const [feedback, setFeedback] = useState("");

  useEffect(() => {
    if (!feedback) return;
    const timer = setTimeout(() => setFeedback(""), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [feedback]);

  const copy = async () => {
    if (await copyText(roomCode)) {
      setFeedback("Copied!");
    } else {
      if (codeRef.current) selectContents(codeRef.current);
      setFeedback("Selected — press Ctrl+C (⌘C) to copy");
    }
  };

  return (
    <section className="room-header" aria-labelledby="room-title">
      <div className="room-code-block">
        <h2 id="room-title" className="eyebrow">
          Session code
        </h2>
        <div className="room-code-row">
          <strong className="room-code" data-testid="room-code" ref={codeRef}>
            {roomCode}
          </strong>
          <button type="button" className="button secondary" onClick={() => void copy()}>
            Copy code
          </button>
          <span className="copy-feedback" aria-live="polite">
            {feedback}
          </span>
        </div>
        <p className="share">
          Invite link:{" "}
          <a data-testid="share-link" href={link}>
            {link}
          </a>
        </p>
      </div>
      <button type="button" className="button leave" onClick={onLeave}>
        Leave
      </button>
    </section>
  );
}

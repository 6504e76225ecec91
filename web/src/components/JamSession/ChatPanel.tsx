/**
 * The room's chat: who said what, oldest first, and a line to say something. Text is rendered as
 * text (React escapes it), never as markup. Enter sends; the line clears once the server took it.
 */
import { useEffect, useRef, useState, type CSSProperties, type FormEvent } from "react";
import { colorIn } from "../../music/colors";
import type { ChatMessage, Participant } from "../../types/protocol";

/** The server's limit, once trimmed. */
const MAX_CHARS = 500;

export interface ChatPanelProps {
  messages: readonly ChatMessage[];
  participants: readonly Participant[];
  myId: string;
  /** Resolves true once the server took the line. */
  onSend(text: string): Promise<boolean>;
}

export function ChatPanel({ messages, participants, myId, onSend }: ChatPanelProps) {
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.scrollTo?.({ top: list.current.scrollHeight });
  }, [messages.length]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || sending) return;
    setSending(true);
    if (await onSend(text)) setDraft("");
    setSending(false);
  };

  return (
    <section className="panel chat-panel" aria-labelledby="chat-title">
      <div className="panel-heading">
        <h2 id="chat-title">Chat</h2>
      </div>
      {messages.length === 0 && <p className="empty">Say hello to the band.</p>}
      {/* Focusable, so a keyboard can scroll it once it overflows. */}
      <ol aria-label="Chat" className="chat" ref={list} tabIndex={0}>
        {messages.map((m) => (
          <li
            key={m.seq}
            data-user={m.userId}
            className={m.userId === myId ? "mine" : undefined}
            style={{ "--player-color": colorIn(participants, m.userId) } as CSSProperties}
          >
            <span className="chat-name">{m.name}</span> <span className="chat-text">{m.text}</span>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={(event) => void submit(event)}>
        <input
          aria-label="Message"
          type="text"
          value={draft}
          maxLength={MAX_CHARS}
          placeholder="Message the room"
          autoComplete="off"
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button secondary" disabled={sending || draft.trim() === ""}>
          Send
        </button>
      </form>
    </section>
  );
}

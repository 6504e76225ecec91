/**
 * The way in: a name, then either a new session or a friend's code. Local checks mirror the
 * server's rules; whatever the server refuses is shown in the same place.
 */
import { useId, useState, type KeyboardEvent } from "react";
import { CODE_REQUIRED_MESSAGE, validateName } from "../../session/errorMessages";
import { normalizeRoomCode } from "../../session/roomLink";
import { ErrorMessage } from "./ErrorMessage";

export interface LandingProps {
  initialName?: string;
  initialRoomCode?: string;
  /** A request is under way: the buttons wait. */
  busy?: boolean;
  /** The server's refusal of the last attempt, if any. */
  error?: string;
  onCreate(name: string): void;
  /** `listen`: join as a listener (hear, see and chat, not play). */
  onJoin(name: string, roomCode: string, listen: boolean): void;
}

/** The form's fields and checks; the callbacks get the trimmed name and the normalised code. */
function useLandingForm({ initialName = "", initialRoomCode = "", busy = false, onCreate, onJoin }: LandingProps) {
  const [name, setName] = useState(initialName);
  const [roomCode, setRoomCode] = useState(initialRoomCode);
  const [problem, setProblem] = useState("");
  const [listen, setListen] = useState(false);

  /** The trimmed name, or null after showing why it will not do. */
  const checkedName = (): string | null => {
    const issue = validateName(name);
    setProblem(issue ?? "");
    return issue ? null : name.trim();
  };

  const create = () => {
    const trimmed = checkedName();
    if (trimmed !== null) onCreate(trimmed);
  };

  const join = () => {
    const trimmed = checkedName();
    if (trimmed === null) return;
    const code = normalizeRoomCode(roomCode);
    if (!code) return setProblem(CODE_REQUIRED_MESSAGE);
    onJoin(trimmed, code, listen);
  };

  /** Enter in the name field joins when a code is filled in, else creates; in the code field it joins. */
  const submitOnEnter = (event: KeyboardEvent<HTMLInputElement>, action: () => void) => {
    if (event.key !== "Enter" || busy) return;
    event.preventDefault();
    action();
  };

  return { name, setName, roomCode, setRoomCode, listen, setListen, problem, create, join, submitOnEnter };
}

export function Landing(props: LandingProps) {
  const { busy = false, error = "" } = props;
  const form = useLandingForm(props);
  const { name, setName, roomCode, setRoomCode, listen, setListen, problem, create, join, submitOnEnter } = form;
  const nameId = useId();
  const codeId = useId();
  const listenId = useId();
  const hasCode = roomCode.trim() !== "";
  return (
    <section className="landing" aria-labelledby="landing-title">
      <div className="landing-intro">
        <h1 id="landing-title">Play music together, live.</h1>
        <p>Start a session, share its code, and everyone's notes light up and sound on every screen.</p>
      </div>
      <form className="card landing-form" onSubmit={(event) => event.preventDefault()} aria-busy={busy}>
        <div className="field">
          <label htmlFor={nameId}>Your name</label>
          <input
            id={nameId}
            value={name}
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => submitOnEnter(event, hasCode ? join : create)}
            autoComplete="nickname"
            placeholder="e.g. Ann"
            autoFocus
          />
        </div>
        <button type="button" className={`button ${hasCode ? "secondary" : "primary"}`} onClick={create} disabled={busy}>
          Create session
        </button>
        <div className="divider" aria-hidden="true">
          <span>or join a friend</span>
        </div>
        <div className="field">
          <label htmlFor={codeId}>Room code</label>
          <div className="join-row">
            <input
              id={codeId}
              className="code-input"
              value={roomCode}
              onChange={(event) => setRoomCode(event.target.value)}
              onKeyDown={(event) => submitOnEnter(event, join)}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              placeholder="K7RMQ2"
            />
            <button type="button" className={`button ${hasCode ? "primary" : "secondary"}`} onClick={join} disabled={busy}>
              Join
            </button>
          </div>
          <label className="listen-toggle" htmlFor={listenId}>
            <input id={listenId} type="checkbox" checked={listen} onChange={(event) => setListen(event.target.checked)} />
            Just listen (the host can invite you to play)
          </label>
        </div>
        <ErrorMessage message={problem || error} />
      </form>
    </section>
  );
}

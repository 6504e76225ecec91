/**
 * Computer-keyboard playing: listens on the window so keys work wherever focus is, except while
 * the player types in a text field. Key repeat and shortcuts with Ctrl/Alt/Cmd are ignored.
 */
import { useEffect, useRef } from "react";
import { eventCode } from "../music/notes";

export interface WindowKeyHandlers {
  /** A fresh key press (not a repeat); `code` is `KeyboardEvent.code`, e.g. "KeyA". */
  onKeyDown(code: string): void;
  onKeyUp(code: string): void;
  /** The window lost focus: keyups will not arrive, so release everything. */
  onBlur?(): void;
}

/** True when keys typed at `target` belong to a text field rather than to the instrument. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["button", "checkbox", "radio", "range", "reset", "submit", "color", "file"].includes(target.type);
  }
  return false;
}

export function useWindowKeys(handlers: WindowKeyHandlers): void {
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    const down = (event: KeyboardEvent) => {
      if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      current.current.onKeyDown(eventCode(event));
    };
    const up = (event: KeyboardEvent) => current.current.onKeyUp(eventCode(event));
    const blur = () => current.current.onBlur?.();
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    window.addEventListener("blur", blur);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
      window.removeEventListener("blur", blur);
    };
  }, []);
}

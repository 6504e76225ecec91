/**
 * A stand-in for Web MIDI with the real API's shape (navigator.requestMIDIAccess → MIDIAccess with
 * an `inputs` map of MIDIInput event targets, `statechange` on plug and unplug, `midimessage`
 * events carrying a Uint8Array), driven from tests through `window.__fakeMidi`.
 * Self-contained on purpose: end-to-end tests inject this very function into Chromium before
 * the page loads (page.addInitScript), so it may use nothing from outside its body.
 */

export interface FakeMidiOptions {
  /** Refuse access, as a browser does when the permission is denied. */
  refuse?: boolean;
}

export interface FakeMidiControl {
  plug(id: string, name: string): void;
  unplug(id: string): void;
  send(id: string, bytes: number[]): void;
  /** Whether the page is listening to input `id` (it set onmidimessage or added a listener). */
  listening(id: string): boolean;
}

declare global {
  interface Window {
    __fakeMidi?: FakeMidiControl;
  }
}

export function installFakeMidi(options: FakeMidiOptions = {}): void {
  type Handler = ((event: Event) => void) | null;
  const withFields = (event: Event, fields: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(fields)) Object.defineProperty(event, key, { value });
    return event;
  };
  const makeEvent = (type: string, fields: Record<string, unknown>) => withFields(new Event(type), fields);

  class FakePort extends EventTarget {
    readonly type = "input";
    readonly manufacturer = "Test";
    readonly version = "1.0";
    state: "connected" | "disconnected" = "connected";
    connection: "open" | "closed" | "pending" = "closed";
    onstatechange: Handler = null;
    private handler: Handler = null;
    listeners = 0;
    constructor(
      readonly id: string,
      readonly name: string,
    ) {
      super();
    }
    get onmidimessage(): Handler {
      return this.handler;
    }
    set onmidimessage(handler: Handler) {
      this.handler = handler;
      if (handler) this.connection = "open";
    }
    override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, opts?: boolean | AddEventListenerOptions) {
      if (type === "midimessage") this.listeners++;
      super.addEventListener(type, listener, opts);
    }
    fire(type: string, event: Event) {
      this.dispatchEvent(event);
      const handler = type === "midimessage" ? this.handler : this.onstatechange;
      handler?.call(this, event);
    }
    open() {
      this.connection = "open";
      return Promise.resolve(this);
    }
    close() {
      this.connection = "closed";
      return Promise.resolve(this);
    }
  }

  const inputs = new Map<string, FakePort>();
  const access = new (class extends EventTarget {
    readonly inputs = inputs;
    readonly outputs = new Map();
    readonly sysexEnabled = false;
    onstatechange: Handler = null;
    changed(port: FakePort) {
      const event = makeEvent("statechange", { port });
      this.dispatchEvent(event);
      this.onstatechange?.call(this, event);
      port.fire("statechange", makeEvent("statechange", { port }));
    }
  })();

  const scope = globalThis as unknown as { navigator: Navigator; __fakeMidi?: FakeMidiControl };
  Object.defineProperty(scope.navigator, "requestMIDIAccess", {
    configurable: true,
    value: () =>
      options.refuse
        ? Promise.reject(new DOMException("MIDI access denied", "NotAllowedError"))
        : Promise.resolve(access),
  });
  scope.__fakeMidi = {
    plug(id, name) {
      const port = inputs.get(id) ?? new FakePort(id, name);
      port.state = "connected";
      inputs.set(id, port);
      access.changed(port);
    },
    unplug(id) {
      const port = inputs.get(id);
      if (!port) return;
      port.state = "disconnected";
      if (port.connection === "open") port.connection = "pending";
      access.changed(port);
    },
    send(id, bytes) {
      const port = inputs.get(id);
      if (!port || port.state !== "connected") return;
      const data = new Uint8Array(bytes);
      // Chromium has the real event class; elsewhere (happy-dom) an Event with the same field.
      const Real = (globalThis as { MIDIMessageEvent?: typeof MIDIMessageEvent }).MIDIMessageEvent;
      port.fire("midimessage", Real ? new Real("midimessage", { data }) : makeEvent("midimessage", { data }));
    },
    listening(id) {
      const port = inputs.get(id);
      return !!port && (port.onmidimessage !== null || port.listeners > 0);
    },
  };
}

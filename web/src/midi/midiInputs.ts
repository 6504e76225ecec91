/**
 * The page's MIDI inputs through Web MIDI: asks for access once, lists the devices, follows
 * hot-plugging, and plays from every input or the one chosen. A device that goes away (or is
 * deselected) with keys or the pedal down gets them released, so nothing hangs on the others'
 * pages. State is a snapshot for React's useSyncExternalStore.
 */
import { parseMidiMessage, type MidiInputMessage } from "./midiMessages";

export type MidiAvailability =
  | { state: "unsupported" }
  | { state: "asking" }
  | { state: "refused"; reason: string }
  | { state: "ready" };

export interface MidiDevice {
  id: string;
  name: string;
}

export interface MidiSnapshot {
  availability: MidiAvailability;
  /** Devices plugged in now. */
  devices: readonly MidiDevice[];
  /** `ALL_INPUTS` or a device id. */
  chosen: string;
  /** The name of the device that played last. */
  active: string | null;
  /** The latest plug or unplug, e.g. "Keystation 49 unplugged". */
  notice: string | null;
}

export const ALL_INPUTS = "all";

export type MidiPlay = (message: MidiInputMessage) => void;

type MidiNavigator = Pick<Navigator, "requestMIDIAccess">;

/** Which notes and pedal a device holds down, to release them if it disappears. */
interface Held {
  notes: Set<number>;
  pedal: boolean;
}

export class MidiInputs {
  private snapshot: MidiSnapshot = { availability: { state: "asking" }, devices: [], chosen: ALL_INPUTS, active: null, notice: null };
  private readonly listeners = new Set<() => void>();
  private access: MIDIAccess | null = null;
  private requested = false;
  private running = false;
  private readonly held = new Map<string, Held>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly play: MidiPlay,
    private readonly nav: Partial<MidiNavigator> | undefined = typeof navigator === "undefined" ? undefined : navigator,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): MidiSnapshot => this.snapshot;

  /** Asks for access (once) and plays from the inputs until `stop`. */
  start(): void {
    this.running = true;
    if (this.access) return this.refresh();
    if (this.requested) return;
    this.requested = true;
    if (typeof this.nav?.requestMIDIAccess !== "function") return this.update({ availability: { state: "unsupported" } });
    this.nav
      .requestMIDIAccess({ sysex: false })
      .then((access) => {
        this.access = access;
        access.addEventListener("statechange", (event) => this.onStateChange(event as MIDIConnectionEvent));
        this.update({ availability: { state: "ready" } });
        this.refresh();
      })
      .catch((error: unknown) => this.update({ availability: { state: "refused", reason: refusal(error) } }));
  }

  /** Stops playing from every input, releasing what they hold. */
  stop(): void {
    this.running = false;
    this.refresh();
  }

  choose = (id: string): void => {
    this.update({ chosen: id });
    this.refresh();
  };

  /** Lists the plugged-in inputs and listens to those that should play; the others let go. */
  private refresh(): void {
    const inputs = this.access ? [...this.access.inputs.values()] : [];
    const devices: MidiDevice[] = [];
    for (const input of inputs) {
      const id = input.id;
      const name = input.name || input.manufacturer || "MIDI input";
      this.names.set(id, name);
      const plugged = input.state === "connected";
      if (plugged) devices.push({ id, name });
      const plays = this.running && plugged && (this.snapshot.chosen === ALL_INPUTS || this.snapshot.chosen === id);
      if (plays && !input.onmidimessage) input.onmidimessage = (event) => this.onMessage(id, name, event.data);
      if (!plays) {
        if (input.onmidimessage) input.onmidimessage = null;
        this.releaseAll(id);
      }
    }
    this.update({ devices });
  }

  private onStateChange(event: MIDIConnectionEvent): void {
    const port = event.port;
    if (!port || port.type !== "input") return;
    const name = port.name || this.names.get(port.id) || "MIDI input";
    const wasListed = this.snapshot.devices.some((device) => device.id === port.id);
    const plugged = port.state === "connected";
    if (plugged !== wasListed) {
      const active = !plugged && this.snapshot.active === name ? null : this.snapshot.active;
      this.update({ notice: `${name} ${plugged ? "plugged in" : "unplugged"}`, active });
    }
    this.refresh();
  }

  private onMessage(deviceId: string, name: string, data: Uint8Array | null): void {
    const message = parseMidiMessage(data);
    if (!message) return;
    this.track(deviceId, message);
    if (message.kind === "on" && this.snapshot.active !== name) this.update({ active: name });
    this.play(message);
  }

  private track(deviceId: string, message: MidiInputMessage): void {
    let held = this.held.get(deviceId);
    if (!held) this.held.set(deviceId, (held = { notes: new Set(), pedal: false }));
    if (message.kind === "on" && !message.isDrum) held.notes.add(message.note);
    if (message.kind === "off") held.notes.delete(message.note);
    if (message.kind === "control" && message.controller === 64) held.pedal = message.value >= 64;
  }

  private releaseAll(deviceId: string): void {
    const held = this.held.get(deviceId);
    if (!held) return;
    this.held.delete(deviceId);
    for (const note of held.notes) this.play({ kind: "off", note, isDrum: false });
    if (held.pedal) this.play({ kind: "control", controller: 64, value: 0 });
  }

  private update(change: Partial<MidiSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

/** One quiet line on why MIDI is off (a refused permission, or a browser that needs one). */
function refusal(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : "";
  if (name === "SecurityError" || name === "NotAllowedError") {
    return "MIDI keyboards are off: this browser refused access. Allow MIDI for this site (Firefox asks through a site permission add-on) and reload.";
  }
  return "MIDI keyboards are off: this browser could not open its MIDI devices.";
}

/** The metronome's click: a short, bright blip, higher and louder on the downbeat so the bar is heard. */

const CLICK_DECAY_S = 0.035;

/** Schedules one click at audio time `at` (seconds on the context's clock); its source, to stop it. */
export function playClick(context: BaseAudioContext, out: AudioNode, at: number, accent: boolean): OscillatorNode {
  const oscillator = context.createOscillator();
  oscillator.type = "square";
  oscillator.frequency.setValueAtTime(accent ? 1760 : 1320, at);
  const gain = context.createGain();
  gain.gain.setValueAtTime(accent ? 0.3 : 0.16, at);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + CLICK_DECAY_S);
  oscillator.connect(gain).connect(out);
  oscillator.start(at);
  oscillator.stop(at + CLICK_DECAY_S + 0.01);
  oscillator.onended = () => gain.disconnect();
  return oscillator;
}

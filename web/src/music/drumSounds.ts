/**
 * Synthesised General MIDI drums: pitched sine sweeps for kick and toms, filtered noise bursts for
 * snare, hats, clap and crash. Each hit builds a short-lived graph that stops itself.
 */

let noiseBuffer: AudioBuffer | null = null;

/** One second of white noise, made once per context and reused by every noisy drum. */
function noise(context: BaseAudioContext): AudioBuffer {
  if (noiseBuffer && noiseBuffer.sampleRate === context.sampleRate) return noiseBuffer;
  const buffer = context.createBuffer(1, context.sampleRate, context.sampleRate);
  const samples = buffer.getChannelData(0);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.random() * 2 - 1;
  noiseBuffer = buffer;
  return buffer;
}

/** A gain that jumps to `level` and decays exponentially over `decay` seconds from `start`. */
function decayingGain(context: BaseAudioContext, start: number, level: number, decay: number): GainNode {
  const gain = context.createGain();
  gain.gain.setValueAtTime(Math.max(level, 0.0001), start);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + decay);
  return gain;
}

function sineSweep(context: BaseAudioContext, out: AudioNode, from: number, to: number, decay: number, level: number): void {
  const start = context.currentTime;
  const oscillator = context.createOscillator();
  oscillator.type = "sine";
  oscillator.frequency.setValueAtTime(from, start);
  oscillator.frequency.exponentialRampToValueAtTime(to, start + decay * 0.6);
  oscillator.connect(decayingGain(context, start, level, decay)).connect(out);
  oscillator.start(start);
  oscillator.stop(start + decay + 0.05);
}

interface NoiseShape {
  filter: BiquadFilterType;
  frequency: number;
  decay: number;
  level: number;
  delay?: number;
}

function noiseBurst(context: BaseAudioContext, out: AudioNode, shape: NoiseShape): void {
  const start = context.currentTime + (shape.delay ?? 0);
  const source = context.createBufferSource();
  source.buffer = noise(context);
  const filter = context.createBiquadFilter();
  filter.type = shape.filter;
  filter.frequency.value = shape.frequency;
  source.connect(filter).connect(decayingGain(context, start, shape.level, shape.decay)).connect(out);
  source.start(start);
  source.stop(start + shape.decay + 0.05);
}

const DRUMS: Record<number, (context: BaseAudioContext, out: AudioNode, level: number) => void> = {
  36: (c, o, l) => sineSweep(c, o, 150, 42, 0.45, l * 1.1),
  38: (c, o, l) => {
    noiseBurst(c, o, { filter: "highpass", frequency: 1200, decay: 0.2, level: l * 0.7 });
    sineSweep(c, o, 240, 160, 0.12, l * 0.5);
  },
  39: (c, o, l) => {
    for (const delay of [0, 0.012, 0.024]) {
      noiseBurst(c, o, { filter: "bandpass", frequency: 1300, decay: 0.09, level: l * 0.8, delay });
    }
  },
  42: (c, o, l) => noiseBurst(c, o, { filter: "highpass", frequency: 7500, decay: 0.05, level: l * 0.45 }),
  45: (c, o, l) => sineSweep(c, o, 130, 85, 0.4, l * 0.9),
  46: (c, o, l) => noiseBurst(c, o, { filter: "highpass", frequency: 7000, decay: 0.35, level: l * 0.4 }),
  49: (c, o, l) => noiseBurst(c, o, { filter: "highpass", frequency: 4500, decay: 1.3, level: l * 0.45 }),
  50: (c, o, l) => sineSweep(c, o, 230, 150, 0.3, l * 0.85),
};

/** Plays drum `note` at `level` (0–1); unknown drum notes get a short click-like tom. */
export function playDrum(context: BaseAudioContext, out: AudioNode, note: number, level: number): void {
  const play = DRUMS[note] ?? ((c, o, l) => sineSweep(c, o, 180, 120, 0.15, l * 0.6));
  play(context, out, level);
}

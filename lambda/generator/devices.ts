import { CPU_LIMITS, MODEM_MODELS, type ModemModel } from './models.ts';
import { createRandom, type Random } from './prng.ts';

/**
 * Simulated devices. Each keeps its own CPU and memory as a mean-reverting random walk around a per-device baseline
 * (an Ornstein–Uhlenbeck step), so readings drift smoothly instead of jumping like pure noise, and its interface
 * status as a small Markov chain: mostly `connected`, with occasional `disconnected` and `down` episodes.
 */

export type InterfaceStatus = 'connected' | 'disconnected' | 'down';

export interface DeviceTraits {
  readonly deviceId: string;
  readonly model: ModemModel;
  readonly interfaces: readonly string[];
  readonly cpuBaseline: number;
  readonly memoryBaseline: number;
}

export interface DeviceReading {
  readonly interface: string;
  readonly status: InterfaceStatus;
  readonly cpu: number;
  readonly memory: number;
}

/** Pull toward the baseline per step and noise scale: how "drifty" readings are. */
export const DRIFT = {
  cpuReversion: 0.05,
  cpuNoise: 2,
  memoryReversion: 0.02,
  /** Share of installed memory. */
  memoryNoise: 0.005,
} as const;

/** Per-report transition probabilities of the status chain. */
const STATUS_CHAIN = {
  connectedToDisconnected: 0.004,
  connectedToDown: 0.002,
  /** Mean episode ≈ 1/p reports. */
  disconnectedRecovers: 0.1,
  downRecovers: 0.05,
} as const;

/** `dvc0001`… — four digits as in the blog, more when the fleet is bigger. */
export const deviceIdOf = (index: number): string => `dvc${String(index + 1).padStart(4, '0')}`;

const pickModel = (random: Random): ModemModel => {
  let r = random.next() * MODEM_MODELS.reduce((sum, m) => sum + m.weight, 0);
  for (const model of MODEM_MODELS) {
    r -= model.weight;
    if (r < 0) return model;
  }
  return MODEM_MODELS[MODEM_MODELS.length - 1] as ModemModel;
};

const between = (random: Random, [min, max]: readonly [number, number]): number =>
  min + random.next() * (max - min);

/**
 * The fleet's static traits (model, interfaces, baselines). It depends only on the seed and device index, so the
 * registry loader and tests can rebuild it without replaying a stream.
 */
export const deviceTraits = (devices: number, seed: string | number): DeviceTraits[] =>
  Array.from({ length: devices }, (_, index) => {
    const random = createRandom(`${seed}/device/${index}`);
    const model = pickModel(random);
    const interfaces = model.interfaces.filter((_, i) => i === 0 || random.chance(0.7));
    return {
      deviceId: deviceIdOf(index),
      model,
      interfaces,
      cpuBaseline: between(random, model.cpuBaseline),
      memoryBaseline: between(random, model.memoryBaseline),
    };
  });

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The moving part of one device. A modem reports a snapshot: one record per interface, all with the same reading
 * (CPU and memory are the modem's; the status is its link state, so rules on it see one state per report).
 */
export class DeviceSimulation {
  private cpu: number;
  private memory: number;
  private status: InterfaceStatus = 'connected';

  constructor(readonly traits: DeviceTraits) {
    this.cpu = traits.cpuBaseline;
    this.memory = traits.memoryBaseline;
  }

  /** Advances the device by one report: a reading for each of its interfaces, in the traits' order. */
  report(random: Random): DeviceReading[] {
    const { model } = this.traits;
    this.cpu = clamp(
      this.cpu + DRIFT.cpuReversion * (this.traits.cpuBaseline - this.cpu) + DRIFT.cpuNoise * random.normal(),
      CPU_LIMITS.min,
      CPU_LIMITS.max,
    );
    this.memory = clamp(
      this.memory +
        DRIFT.memoryReversion * (this.traits.memoryBaseline - this.memory) +
        DRIFT.memoryNoise * model.memoryTotalMb * random.normal(),
      1,
      model.memoryTotalMb,
    );
    this.status = nextStatus(this.status, random);
    const reading = { status: this.status, cpu: Math.round(this.cpu), memory: Math.round(this.memory) };
    return this.traits.interfaces.map((name) => ({ interface: name, ...reading }));
  }
}

const nextStatus = (status: InterfaceStatus, random: Random): InterfaceStatus => {
  const r = random.next();
  switch (status) {
    case 'connected':
      if (r < STATUS_CHAIN.connectedToDown) return 'down';
      if (r < STATUS_CHAIN.connectedToDown + STATUS_CHAIN.connectedToDisconnected) return 'disconnected';
      return 'connected';
    case 'disconnected':
      return r < STATUS_CHAIN.disconnectedRecovers ? 'connected' : 'disconnected';
    case 'down':
      return r < STATUS_CHAIN.downRecovers ? 'connected' : 'down';
  }
};

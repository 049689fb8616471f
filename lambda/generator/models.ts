/**
 * The fleet's modem models (the AWS blog's five) with what makes each one look different in the data:
 * memory size, typical CPU load and its interfaces. Ranges are per device "baseline" draws; values then drift.
 */
export interface ModemModel {
  readonly name: string;
  /** Share of the fleet. */
  readonly weight: number;
  readonly interfaces: readonly string[];
  /** Range a device's typical CPU % is drawn from; readings drift around it within [1, 100]. */
  readonly cpuBaseline: readonly [number, number];
  /** Installed memory, MB: a reading never exceeds it. */
  readonly memoryTotalMb: number;
  /** Range a device's typical memory use (MB) is drawn from. */
  readonly memoryBaseline: readonly [number, number];
}

export const MODEM_MODELS: readonly ModemModel[] = [
  {
    name: 'EVG2000',
    weight: 0.3,
    interfaces: ['eth0', 'eth1', 'wlan0'],
    cpuBaseline: [25, 55],
    memoryTotalMb: 256,
    memoryBaseline: [90, 200],
  },
  {
    name: 'DG3450',
    weight: 0.2,
    interfaces: ['eth0', 'eth4.1', 'wlan0', 'wlan1'],
    cpuBaseline: [15, 45],
    memoryTotalMb: 512,
    memoryBaseline: [180, 400],
  },
  {
    name: 'CGM4331',
    weight: 0.25,
    interfaces: ['eth0', 'eth1', 'eth4.1', 'wlan0', 'wlan1', 'moca0'],
    cpuBaseline: [10, 40],
    memoryTotalMb: 2048,
    memoryBaseline: [700, 1600],
  },
  {
    name: 'TG1682',
    weight: 0.15,
    interfaces: ['eth0', 'eth4.1', 'wlan0'],
    cpuBaseline: [20, 60],
    memoryTotalMb: 512,
    memoryBaseline: [200, 430],
  },
  {
    name: 'SR400ac',
    weight: 0.1,
    interfaces: ['eth0', 'wlan0', 'wlan1'],
    cpuBaseline: [30, 70],
    memoryTotalMb: 256,
    memoryBaseline: [80, 210],
  },
];

export const CPU_LIMITS = { min: 1, max: 100 } as const;

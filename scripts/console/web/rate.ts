// Pure (no DOM): records per second from successive readings of a monotonically growing counter (GET /fleet).

export interface Reading {
  /** Milliseconds (Date.now()). */
  readonly at: number;
  readonly count: number;
}

/**
 * Records/s over the readings of the last `spanMs`. Null until two readings span at least one second; a counter that
 * went down (the runtime was reset) restarts the measurement instead of showing a negative rate.
 */
export class RateMeter {
  private readings: Reading[] = [];

  constructor(private readonly spanMs = 30_000) {}

  add(reading: Reading): void {
    const last = this.readings.at(-1);
    if (last !== undefined && (reading.count < last.count || reading.at <= last.at)) {
      if (reading.count < last.count) this.readings = [];
      else return;
    }
    this.readings.push(reading);
    const oldest = reading.at - this.spanMs;
    while (this.readings.length > 2 && (this.readings[1]?.at ?? Infinity) <= oldest) this.readings.shift();
  }

  perSecond(): number | null {
    const first = this.readings[0];
    const last = this.readings.at(-1);
    if (first === undefined || last === undefined || last.at - first.at < 1000) return null;
    return ((last.count - first.count) * 1000) / (last.at - first.at);
  }
}

/** A one-shot wake-up for whoever is waiting for "something changed". */
export class Signal {
  private waiters: (() => void)[] = [];

  /** Resolves at the next notify() or after timeoutMs, whichever comes first. */
  wait(timeoutMs = Infinity): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : undefined;
      const waiters = this.waiters;
      function done() {
        if (timer) clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

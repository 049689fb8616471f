export interface Terminal {
  /** A line of output, printed above the status line. */
  line(text: string): void;
  /** Replaces the status line. */
  status(text: string): void;
  /** Clears the status line (shutdown). */
  end(): void;
}

/** A status line rewritten in place on a terminal; a plain line every 10 s otherwise (logs, CI, tests). */
export const createTerminal = (): Terminal => {
  const tty = process.stdout.isTTY === true;
  const clip = (text: string) => text.slice(0, (process.stdout.columns ?? 120) - 1);
  let status = '';
  let lastPlain = 0;
  const clear = () => {
    if (tty && status !== '') process.stdout.write('\r\x1b[2K');
  };
  return {
    line(text) {
      clear();
      process.stdout.write(`${text}\n`);
      if (tty && status !== '') process.stdout.write(clip(status));
    },
    status(text) {
      if (tty) {
        status = text;
        process.stdout.write(`\r\x1b[2K${clip(text)}`);
      } else if (Date.now() - lastPlain >= 10_000) {
        lastPlain = Date.now();
        process.stdout.write(`status: ${text}\n`);
      }
    },
    end() {
      clear();
      status = '';
    },
  };
};

/**
 * Local dead-letter sink, laid out like Firehose writes it in S3:
 * `<dir>/dead-letter/year=YYYY/month=MM/day=DD/hour=HH/<file>.jsonl`, one JSON line per rejected record, cut to
 * the same size limit as in Firehose.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LAKE_PREFIX, lakeFolder } from '#core/contract/index.ts';
import type { DeadLetter } from '#core/dead-letter.ts';
import { deadLetterJson } from '#core/dead-letter-line.ts';
import type { DeadLetterSink } from '#core/ports.ts';

/** The hour folder for a time, in UTC (Firehose's default prefix uses UTC arrival time). */
export const hourPrefix = (iso: string): string => {
  const [year, month, day, hour] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13)];
  return join(`year=${year}`, `month=${month}`, `day=${day}`, `hour=${hour}`);
};

export class FileDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly datalakeDir: string,
    /** One file per writer, so concurrent processes never interleave lines. */
    private readonly fileName = `state-processor-${process.pid}-${Date.now()}.jsonl`,
  ) {}

  async write(letters: readonly DeadLetter[]): Promise<void> {
    const byHour = new Map<string, string[]>();
    for (const letter of letters) {
      const prefix = hourPrefix(letter.at);
      const lines = byHour.get(prefix);
      if (lines) lines.push(deadLetterJson(letter));
      else byHour.set(prefix, [deadLetterJson(letter)]);
    }
    for (const [prefix, lines] of byHour) {
      const dir = join(this.datalakeDir, lakeFolder(LAKE_PREFIX.deadLetter), prefix);
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, this.fileName), `${lines.join('\n')}\n`);
    }
  }
}

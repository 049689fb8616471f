/** What the live status line shows; all counts since the topic began except where noted. */
export interface RuntimeStatus {
  /** Records in the topic (sum of partition high watermarks). */
  readonly recordsIn: number;
  /** Records the processor has committed (sum of the consumer group's offsets). */
  readonly processed: number;
  /** Alerts notified by this run. */
  readonly alerts: number;
  /** Records the processor dead-lettered in this run. */
  readonly invalid: number;
  /** Generator records/s, or null when the generator is off. */
  readonly generatorRate: number | null;
  readonly apiUrl: string;
  /** Set while the runtime falls behind: by how much, and what bounds it (throughput.ts). */
  readonly behind?: string;
  /** The latest problem worth showing (retrying batch, unreachable broker…). */
  readonly problem?: string;
}

const n = (value: number): string => value.toLocaleString('en-US');

/** One compact line: fits an 80-column terminal for typical numbers (the API URL goes last so truncation hurts least). */
export const formatStatus = (s: RuntimeStatus): string => {
  const parts = [
    `in ${n(s.recordsIn)}`,
    `processed ${n(s.processed)}`,
    `lag ${n(Math.max(0, s.recordsIn - s.processed))}`,
    `alerts ${n(s.alerts)}`,
  ];
  if (s.invalid > 0) parts.push(`invalid ${n(s.invalid)}`);
  if (s.generatorRate !== null) parts.push(`gen ${n(Math.round(s.generatorRate))}/s`);
  if (s.behind !== undefined) parts.push(s.behind);
  parts.push(s.apiUrl);
  const line = parts.join(' · ');
  return s.problem === undefined ? line : `${line} · ! ${s.problem}`;
};

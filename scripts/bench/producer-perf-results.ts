/** The generator beside Kafka's own ProducerPerformance on the same broker: 1 KB records, acks=all (issue 22). */
export interface ProducerComparison {
  readonly recordBytes: number;
  readonly records: number;
  /** Kafka's ProducerPerformance (org.apache.kafka.tools), records/s and MB/s. */
  readonly producerPerformance: { readonly recordsPerSec: number; readonly mbPerSec: number };
  /** The generator (lambda/generator/run.ts) with the same records, acks and broker. */
  readonly generator: { readonly recordsPerSec: number; readonly mbPerSec: number };
  /** generator ÷ ProducerPerformance records/s. */
  readonly ratio: number;
  /** Runs of each producer, alternating; the better run of each is kept. */
  readonly rounds?: number;
  /** The machine's 1-minute load average when the comparison started and ended (os.loadavg()). */
  readonly loadAverageStart?: number;
  readonly loadAverageEnd?: number;
  /** What was held equal and what differs, in words. */
  readonly conditions?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a `producerComparison` entry (empty when it has the shape above). */
export const producerComparisonShapeErrors = (v: unknown, path = 'producerComparison'): string[] => {
  if (!isObj(v)) return [`${path} must be an object`];
  const errors: string[] = [];
  const numbers = (doc: unknown, where: string, fields: readonly string[]) => {
    if (!isObj(doc)) return void errors.push(`${where} must be an object`);
    for (const f of fields) {
      const x = doc[f];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
        errors.push(`${where}.${f} must be a number >= 0`);
    }
    for (const k of Object.keys(doc))
      if (!fields.includes(k)) errors.push(`${where}.${k} is not in the contract`);
  };
  const { producerPerformance, generator, conditions, ...rest } = v;
  if (conditions !== undefined && typeof conditions !== 'string')
    errors.push(`${path}.conditions must be a string`);
  const optional = ['rounds', 'loadAverageStart', 'loadAverageEnd'].filter((k) => k in rest);
  numbers(rest, path, ['recordBytes', 'records', 'ratio', ...optional]);
  numbers(producerPerformance, `${path}.producerPerformance`, ['recordsPerSec', 'mbPerSec']);
  numbers(generator, `${path}.generator`, ['recordsPerSec', 'mbPerSec']);
  return errors;
};

/** `processor.provisionedPollers`: optional, both bounds required when set, within Lambda's ranges, minimum ≤ maximum. */
import { type Checker, custom } from '#lib/config/schema.ts';

/**
 * Provisioned mode of the event source mapping (a floor and a ceiling of event pollers, billed per poller unit), with
 * the mapping's Kafka metrics turned on; `undefined` = on-demand pollers. See docs/OPERATIONS.md for when to use it.
 */
export interface ProvisionedPollers {
  readonly minimum: number;
  readonly maximum: number;
}

/** Lambda's accepted ranges for MSK (API_ProvisionedPollerConfig); checked here and by the StateProcessor construct. */
export const POLLER_RANGES = { minimum: { min: 1, max: 200 }, maximum: { min: 1, max: 2000 } } as const;

const BOUNDS = ['minimum', 'maximum'] as const;

const bound = (c: Checker, raw: Record<string, unknown>, path: string, key: (typeof BOUNDS)[number]) => {
  const { min, max } = POLLER_RANGES[key];
  const value = raw[key] ?? 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  c.errors.push(`${path}.${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return 1;
};

const parsePollers = (c: Checker, raw: unknown, path: string): ProvisionedPollers | undefined => {
  if (raw === undefined) return undefined;
  const section = c.section(raw, path, BOUNDS);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  for (const key of BOUNDS)
    if (section[key] === undefined) c.errors.push(`${path}.${key} is required when ${path} is set`);
  const errorsBefore = c.errors.length;
  const minimum = bound(c, section, path, 'minimum');
  const maximum = bound(c, section, path, 'maximum');
  if (c.errors.length === errorsBefore && minimum > maximum)
    c.errors.push(`${path}.minimum (${minimum}) must not exceed ${path}.maximum (${maximum})`);
  return { minimum, maximum };
};

export const PROVISIONED_POLLERS = custom<ProvisionedPollers | undefined>({
  default: undefined,
  shownDefault: 'absent (on-demand)',
  range: `\`{minimum: ${POLLER_RANGES.minimum.min}–${POLLER_RANGES.minimum.max}, maximum: ${POLLER_RANGES.maximum.min}–${POLLER_RANGES.maximum.max.toLocaleString('en-US')}}\`, minimum ≤ maximum`,
  doc: "Provisioned event pollers (billed per poller unit); turns on the mapping's Kafka metrics; see docs/OPERATIONS.md",
  parse: parsePollers,
});

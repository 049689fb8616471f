/**
 * Bounds of a device's registry row (its enrichment attributes), checked when a row is loaded and again when it is
 * read for a batch: the row is copied into the device item and into every alert item, so it must stay small.
 * See docs/DATA_MODEL.md ("Bounds").
 */
import { nullMap } from './data-map.ts';
import { hasLoneSurrogate } from './record.ts';

/** A device's registry attributes (null prototype when built by FleetStream; bounded, see registry.ts). */
export type Registry = Record<string, string>;

const MAX_REGISTRY_ATTRIBUTES = 32;
/** UTF-8 bytes of attribute names plus values. */
const MAX_REGISTRY_BYTES = 4096;
const MAX_ATTRIBUTE_NAME_LENGTH = 64;
/** The row's key, and the two names the SDK's marshaller cannot keep as attribute names. */
const RESERVED_NAMES = new Set(['deviceId', 'deviceid', '__proto__', 'constructor']);

/** Why this attribute name cannot be a registry attribute, or null. */
export const attributeNameProblem = (name: string): string | null => {
  if (name.length === 0) return 'attribute name is empty';
  if (name.length > MAX_ATTRIBUTE_NAME_LENGTH)
    return `attribute name longer than ${MAX_ATTRIBUTE_NAME_LENGTH} characters`;
  if (hasLoneSurrogate(name)) return 'attribute name has an unpaired surrogate';
  if (RESERVED_NAMES.has(name)) return `attribute name "${name}" is reserved`;
  return null;
};

/** Why these attributes are not a valid registry row (count, size, names, values), or null. */
export const registryProblem = (attributes: Readonly<Record<string, unknown>>): string | null => {
  let count = 0;
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    const problem = attributeNameProblem(name);
    if (problem) return problem;
    if (typeof value !== 'string') return `attribute "${name}" must be a string`;
    if (hasLoneSurrogate(value)) return `attribute "${name}" has an unpaired surrogate`;
    count += 1;
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  if (count > MAX_REGISTRY_ATTRIBUTES) return `${count} attributes, more than ${MAX_REGISTRY_ATTRIBUTES}`;
  if (bytes > MAX_REGISTRY_BYTES) return `${bytes} bytes of attributes, more than ${MAX_REGISTRY_BYTES}`;
  return null;
};

/** A null-prototype copy of the string attributes (own properties only). */
export const registryCopy = (attributes: Readonly<Record<string, unknown>>): Registry => {
  const out = nullMap<string>();
  for (const [name, value] of Object.entries(attributes)) if (typeof value === 'string') out[name] = value;
  return out;
};

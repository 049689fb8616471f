/** The generator's public surface, for the CLI, the load-generator Lambda and the benchmark. */
export { BAD_CLASSES, type BadClass } from './bad-records.ts';
export { type DeviceTraits, deviceIdOf, deviceTraits } from './devices.ts';
export { MODEM_MODELS, type ModemModel } from './models.ts';
export {
  COMPRESSIONS,
  type Compression,
  GeneratorError,
  type GeneratorOptions,
  type GeneratorSummary,
  generatorProducer,
  runGenerator,
} from './run.ts';
export {
  createReportStream,
  createTelemetryStream,
  steppedClock,
  type TelemetryMessage,
  type TelemetryStreamOptions,
} from './telemetry.ts';

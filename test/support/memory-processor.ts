/** The state processor over in-memory fakes, for unit tests: each test overrides only what it looks at. */
import { silentLog } from '#core/ports.ts';
import {
  createStateProcessor,
  type StateProcessor,
  type StateProcessorDeps,
} from '#lambda/state-processor/processor.ts';
import {
  MemoryAlertSink,
  MemoryDeadLetterSink,
  MemoryMetrics,
  MemoryStateStore,
  staticRegistry,
  staticRules,
} from './memory-state.ts';

/** Defaults: empty store, no rules, no registry rows, a silent logger, metrics kept in memory. */
export const memoryProcessor = (deps: Partial<StateProcessorDeps> = {}): StateProcessor =>
  createStateProcessor({
    store: new MemoryStateStore(),
    alerts: new MemoryAlertSink(),
    deadLetters: new MemoryDeadLetterSink(),
    rules: staticRules([]),
    registry: staticRegistry({}),
    logger: silentLog,
    metrics: new MemoryMetrics(),
    ...deps,
  });

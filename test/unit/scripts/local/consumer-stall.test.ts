import { describe, expect, it } from 'vitest';
import { formatStall, isStall } from '#scripts/local/consumer-stall.ts';

const kafkaError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('consumer stall reports (scripts/local/consumer-stall.ts)', () => {
  it('counts a crash kafkajs gives up on, and a restart loop on a codec error, but not a broker hiccup', () => {
    expect(isStall(kafkaError('KafkaJSNotImplemented', 'ZSTD compression not implemented'), false)).toBe(
      true,
    );
    const codec = new Error('zstd batch of 12 bytes cannot be decompressed: bad magic');
    const retried = Object.assign(kafkaError('KafkaJSNumberOfRetriesExceeded', codec.message), {
      cause: codec,
    });
    expect(isStall(retried, true)).toBe(true);
    const loading = kafkaError('KafkaJSProtocolError', 'The coordinator is loading');
    expect(
      isStall(Object.assign(kafkaError('KafkaJSNumberOfRetriesExceeded', 'x'), { cause: loading }), true),
    ).toBe(false);
  });

  it('names topic, group, each partition behind with its offset, the error and what happens next', () => {
    const line = formatStall({
      topic: 'modem-telemetry',
      groupId: 'fleetstream-state-processor',
      error: 'KafkaJSNotImplemented: ZSTD compression not implemented',
      restarting: false,
      partitions: [
        { partition: 2, offset: 17, end: 40 },
        { partition: 5, offset: 0, end: 3 },
      ],
    });
    expect(line).toBe(
      'cannot read modem-telemetry (group fleetstream-state-processor): KafkaJSNotImplemented: ZSTD compression not ' +
        'implemented — stuck at partition 2 at offset 17 (end 40), partition 5 at offset 0 (end 3); stopped reading',
    );
  });
});

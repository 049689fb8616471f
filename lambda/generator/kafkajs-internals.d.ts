// Types for the one kafkajs internal the generator's produce encoder replaces (produce-encoder.ts): the Produce
// request's version table, which kafkajs's broker consults on every produce (`definition.protocol({ version })`).

declare module 'kafkajs/src/protocol/requests/produce/index.js' {
  /** What kafkajs's connection sends: `encode()` resolves to an Encoder-like `{ buf, buffer }`. */
  export interface ProduceProtocolRequest {
    readonly apiKey: number;
    readonly apiVersion: number;
    readonly apiName: string;
    expectResponse(): boolean;
    encode(): Promise<unknown>;
  }
  export type ProduceRequestBuilder = (args: unknown) => {
    request: ProduceProtocolRequest;
    response: unknown;
  };
  const produce: {
    versions: string[];
    protocol: (args: { version: number }) => ProduceRequestBuilder;
  };
  export default produce;
}

/**
 * Local stand-in for SNS `Publish` (AWS query protocol: form-encoded request, XML response): each message to the
 * known topic is printed as one `ALERT <subject>` line and appended to the alerts file as one JSON line
 * (`.local/alerts.jsonl`). Reached through `AWS_ENDPOINT_URL_SNS`. Delivery is at-least-once, as with SNS.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type StandIn, type StandInReply, serveStandIn } from './http.ts';

export interface SnsStandInOptions {
  /** The one topic served; publishing to another gets NotFound. */
  readonly topicArn: string;
  /** Newline-delimited JSON, one line per message. */
  readonly file: string;
  /** Where the readable line goes. @default console.log */
  readonly print?: (line: string) => void;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/** A published message as the alerts file records it. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject: string | null;
  readonly message: string;
  /** Message attributes (String values), e.g. severity, model, ruleId, deviceId. */
  readonly attributes: Record<string, string>;
  readonly at: string;
}

export interface SnsStandIn extends StandIn {
  /** Messages published so far. */
  readonly published: number;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

const xmlEscape = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`);

const errorReply = (status: number, code: string, message: string): StandInReply => ({
  status,
  contentType: 'text/xml',
  body:
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${xmlEscape(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
});

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`, into a name → value map. */
const attributesOf = (form: URLSearchParams): Record<string, string> => {
  // Attribute names come from the request: a null-prototype object keeps them from touching Object.prototype.
  const attributes: Record<string, string> = Object.create(null);
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    attributes[name] = form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  return attributes;
};

export const startSnsStandIn = async (options: SnsStandInOptions): Promise<SnsStandIn> => {
  const print = options.print ?? console.log;
  await mkdir(dirname(options.file), { recursive: true });
  let published = 0;
  const standIn = await serveStandIn(
    'SNS',
    async (_request, body) => {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('Action') !== 'Publish') {
        return errorReply(400, 'InvalidAction', `only Publish is served locally, got ${form.get('Action')}`);
      }
      const topicArn = form.get('TopicArn');
      if (topicArn !== options.topicArn)
        return errorReply(404, 'NotFound', `Topic does not exist: ${topicArn}`);
      const message = form.get('Message');
      if (message === null || message === '')
        return errorReply(400, 'InvalidParameter', 'Message is required');
      const messageId = crypto.randomUUID();
      const line: PublishedMessage = {
        messageId,
        topicArn,
        subject: form.get('Subject'),
        message,
        attributes: { ...attributesOf(form) },
        at: new Date().toISOString(),
      };
      await appendFile(options.file, `${JSON.stringify(line)}\n`);
      published++;
      print(`ALERT ${line.subject ?? message.split('\n')[0]}`);
      return {
        status: 200,
        contentType: 'text/xml',
        body:
          `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
          `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      };
    },
    errorReply(400, 'InvalidParameter', 'request too large'),
    options.port,
  );
  return {
    url: standIn.url,
    stop: standIn.stop,
    get published() {
      return published;
    },
  };
};

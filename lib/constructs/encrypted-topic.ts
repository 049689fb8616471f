import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface EncryptedTopicProps {
  /** What the topic carries, shown in the console. */
  readonly displayName: string;
  /** Subscribe this address (the owner confirms by email). Empty or absent: no subscription. @default - none */
  readonly email?: string;
  /** Let CloudWatch alarms publish (their service principal needs the key). @default false */
  readonly allowCloudWatchAlarms?: boolean;
  /** Let AWS Budgets publish this account's budget notifications (topic policy + key). @default false */
  readonly allowBudgets?: boolean;
}

/**
 * SNS topic encrypted with its own rotating KMS key and TLS-only publishing. A customer-managed key rather than
 * `alias/aws/sns` because AWS services such as CloudWatch alarms cannot use the AWS-managed one.
 */
export class EncryptedTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    if (props.displayName.trim() === '' || props.displayName.length > 100) {
      throw new Error(`EncryptedTopic ${id}: displayName must be 1–100 characters`);
    }
    const email = props.email ?? '';
    if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      throw new Error(`EncryptedTopic ${id}: email must be an email address, got "${email}"`);
    }

    this.key = new kms.Key(this, 'Key', {
      description: `${props.displayName} (SNS)`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    // Service principals act only for this account's own alarms and budgets (confused-deputy conditions): CloudWatch
    // and Budgets send aws:SourceAccount and aws:SourceArn (the alarm's or the budget's ARN).
    const stack = Stack.of(this);
    const onBehalfOf = (arnPattern: string) => ({
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': arnPattern },
    });
    const allowService = (service: string, arnPattern: string) => {
      const principal = new iam.ServicePrincipal(service, { conditions: onBehalfOf(arnPattern) });
      this.key.grant(principal, 'kms:Decrypt', 'kms:GenerateDataKey*');
      return principal;
    };
    if (props.allowCloudWatchAlarms === true)
      allowService(
        'cloudwatch.amazonaws.com',
        `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
      );
    if (props.allowBudgets === true) {
      const budgets = allowService(
        'budgets.amazonaws.com',
        `arn:${stack.partition}:budgets::${stack.account}:*`,
      );
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [budgets],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
        }),
      );
    }
    if (email !== '') this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}

import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface SpendBudgetProps {
  /** Monthly cost in USD the notifications are measured against. */
  readonly monthlyUsd: number;
  /**
   * Topic every notification goes to (its policy and key must let budgets.amazonaws.com publish: EncryptedTopic
   * `allowBudgets`). Always subscribed, so the budget notifies even when no e-mail address is configured.
   */
  readonly topic: sns.ITopic;
  /** Addresses mailed directly by AWS Budgets (up to 10; empty strings and duplicates are dropped). @default [] */
  readonly emails?: readonly string[];
}

/** Thresholds (percent of the monthly amount): spend already incurred, and AWS's forecast for the month. */
export const BUDGET_THRESHOLDS = [
  { notificationType: 'ACTUAL', threshold: 80 },
  { notificationType: 'FORECASTED', threshold: 100 },
] as const;

/**
 * A monthly AWS Budget on the account's cost with notifications at 80% actual and 100% forecast. A budget is an alarm,
 * not a cap: AWS keeps billing past it. Budgets are global and account-wide (cost allocation tags would scope it, but
 * need activating in the billing console first), so a second FleetStream in the same account adds a second budget.
 */
export class SpendBudget extends Construct {
  readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: SpendBudgetProps) {
    super(scope, id);
    if (!Number.isInteger(props.monthlyUsd) || props.monthlyUsd < 1)
      throw new Error(`SpendBudget ${id}: monthlyUsd must be a positive integer, got ${props.monthlyUsd}`);
    const emails = [...new Set((props.emails ?? []).filter((email) => email !== ''))];
    if (emails.length > 10) throw new Error(`SpendBudget ${id}: AWS Budgets mails at most 10 addresses`);
    const subscribers = [
      { subscriptionType: 'SNS', address: props.topic.topicArn },
      ...emails.map((address) => ({ subscriptionType: 'EMAIL', address })),
    ];
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: BUDGET_THRESHOLDS.map(({ notificationType, threshold }) => ({
        notification: {
          notificationType,
          comparisonOperator: 'GREATER_THAN',
          threshold,
          thresholdType: 'PERCENTAGE',
        },
        subscribers,
      })),
    });
  }
}

import { Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  CALLER_LIMIT_MIN,
  CALLER_LIMIT_WINDOWS,
  type CallerLimits,
  callerLimitMessage,
  UNFILTERED_LISTING,
} from '#core/contract/index.ts';

export interface ApiCallerLimitsProps {
  /** The stage the web ACL guards (REST API, regional). */
  readonly stage: apigateway.Stage;
  /** The stage's name as a literal (WAF matches it in the path; the stage's own name is a token). */
  readonly stageName: string;
  readonly limits: CallerLimits;
}

const BODY = { requests: 'over-request-limit', unfilteredListings: 'over-listing-limit' } as const;

const byteMatch = (
  fieldToMatch: wafv2.CfnWebACL.FieldToMatchProperty,
  searchString: string,
  positionalConstraint: 'EXACTLY' | 'CONTAINS',
): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch,
    searchString,
    positionalConstraint,
    textTransformations: [{ priority: 0, type: positionalConstraint === 'CONTAINS' ? 'LOWERCASE' : 'NONE' }],
  },
});

/**
 * Per-caller limits on the lookup API: an AWS WAF web ACL with two rate-based rules keyed by source IP, each blocking
 * with a 429 and a JSON reason. One limit for every request, a lower one for unfiltered `GET /devices` (a table scan).
 * WAF rather than usage plans: callers sign with SigV4 and carry no API key, and a usage plan cannot tell a filtered
 * listing from an unfiltered one (both are GET on the same proxy resource); WAF matches the query string.
 */
export class ApiCallerLimits extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiCallerLimitsProps) {
    super(scope, id);
    const { limits } = props;
    if (!(CALLER_LIMIT_WINDOWS as readonly number[]).includes(limits.windowSeconds))
      throw new Error(
        `ApiCallerLimits ${id}: windowSeconds must be one of ${CALLER_LIMIT_WINDOWS.join(', ')}`,
      );
    for (const value of [limits.requestsPerWindow, limits.unfilteredListingsPerWindow]) {
      if (!Number.isInteger(value) || value < CALLER_LIMIT_MIN)
        throw new Error(
          `ApiCallerLimits ${id}: limits must be integers >= ${CALLER_LIMIT_MIN} (WAF), got ${value}`,
        );
    }
    const { stageName } = props;
    // WAF sees the path as the client sent it, stage included: /v1/devices.
    const unfiltered: wafv2.CfnWebACL.StatementProperty = {
      andStatement: {
        statements: [
          byteMatch({ uriPath: {} }, `/${stageName}${UNFILTERED_LISTING.path}`, 'EXACTLY'),
          byteMatch({ method: {} }, UNFILTERED_LISTING.method, 'EXACTLY'),
          ...UNFILTERED_LISTING.filterParameters.map((name) => ({
            notStatement: { statement: byteMatch({ queryString: {} }, `${name}=`, 'CONTAINS') },
          })),
        ],
      },
    };
    const rule = (
      name: string,
      priority: number,
      limit: number,
      kind: keyof typeof BODY,
      scopeDown?: wafv2.CfnWebACL.StatementProperty,
    ) => ({
      name,
      priority,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit,
          evaluationWindowSec: limits.windowSeconds,
          ...(scopeDown === undefined ? {} : { scopeDownStatement: scopeDown }),
        },
      },
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: BODY[kind] } } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'FleetStream lookup API: per-caller rate limits, answered 429 with the reason',
      defaultAction: { allow: {} },
      customResponseBodies: Object.fromEntries(
        (Object.keys(BODY) as (keyof typeof BODY)[]).map((kind) => [
          BODY[kind],
          {
            contentType: 'APPLICATION_JSON',
            content: JSON.stringify({ error: callerLimitMessage(kind, limits) }),
          },
        ]),
      ),
      // Lower limit first: an unfiltered listing over its own limit is answered with the listing reason.
      rules: [
        rule(
          'unfiltered-listings-per-caller',
          0,
          limits.unfilteredListingsPerWindow,
          'unfilteredListings',
          unfiltered,
        ),
        rule('requests-per-caller', 1, limits.requestsPerWindow, 'requests'),
      ],
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'fleetstream-api',
        sampledRequestsEnabled: true,
      },
    });
    const stack = Stack.of(this);
    const association = new wafv2.CfnWebACLAssociation(this, 'Association', {
      webAclArn: this.webAcl.attrArn,
      resourceArn: `arn:${stack.partition}:apigateway:${stack.region}::/restapis/${props.stage.restApi.restApiId}/stages/${stageName}`,
    });
    association.node.addDependency(props.stage);
  }
}

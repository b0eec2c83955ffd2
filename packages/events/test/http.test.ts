// The HTTP request builders: each output passes the matching schema of @aws-lambda-powertools/parser (a
// devDependency), carries the payload as its body and the path's query string as its query parameters.
import { describe, expect, it } from '@jest/globals';
import { APIGatewayProxyEventSchema, APIGatewayProxyEventV2Schema, LambdaFunctionUrlSchema } from '@aws-lambda-powertools/parser/schemas';
import { apiGatewayV1Event, apiGatewayV2Event, functionUrlEvent } from '@lambdaware/events';

/** Parses with a Powertools schema, failing with the issues when it does not pass. */
function parse(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: unknown[] } } }, value: unknown): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`schema rejected the event: ${JSON.stringify(result.error?.issues, null, 2)}`);
}

describe('HTTP request events', () => {
  it('apiGatewayV1Event: a REST API proxy event (Powertools schema), query string split into (multi-value) parameters', () => {
    const event = apiGatewayV1Event({ id: 'a' }, { method: 'get', path: '/orders/7?tag=x&tag=y', headers: { 'X-Team': 'core' } }) as Record<string, any>;
    parse(APIGatewayProxyEventSchema, event);
    expect(event).toMatchObject({ httpMethod: 'GET', path: '/orders/7', body: '{"id":"a"}', pathParameters: { proxy: 'orders/7' } });
    expect(event.queryStringParameters).toEqual({ tag: 'y' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['x', 'y'] });
    expect(event.headers['X-Team']).toBe('core');
    expect(event.requestContext.path).toBe('/prod/orders/7');
    parse(APIGatewayProxyEventSchema, apiGatewayV1Event());
    expect(apiGatewayV1Event().body).toBeNull();
  });

  it('apiGatewayV2Event: an HTTP API payload 2.0 event (Powertools schema), a string payload as the body as is', () => {
    const event = apiGatewayV2Event('raw text', { method: 'put', path: '/items?x=1&x=2' }) as Record<string, any>;
    parse(APIGatewayProxyEventV2Schema, event);
    expect(event).toMatchObject({ routeKey: 'PUT /items', rawPath: '/items', rawQueryString: 'x=1&x=2', body: 'raw text', queryStringParameters: { x: '1,2' } });
    expect(event.headers['content-length']).toBe('8');
    expect(event.requestContext.routeKey).toBe('PUT /items');
  });

  it('functionUrlEvent: a Function URL event (Powertools schema), without a route key', () => {
    const event = functionUrlEvent({ a: 1 }) as Record<string, any>;
    // Powertools' schema requires routeKey "$default" (AWS's documentation shows it); the aws-lambda-go sample
    // (fixtures/events/aws-lambda-go/lambda-urls-request.json), which this builder follows, has none: the rest passes.
    parse(LambdaFunctionUrlSchema, { ...event, routeKey: '$default', requestContext: { ...event.requestContext, routeKey: '$default' } });
    expect(event.routeKey).toBeUndefined();
    expect(event.requestContext.routeKey).toBeUndefined();
    expect(event.requestContext.domainName).toMatch(/\.lambda-url\.us-east-1\.on\.aws$/);
    expect(event.body).toBe('{"a":1}');
    expect(functionUrlEvent()).not.toHaveProperty('body');
  });
});

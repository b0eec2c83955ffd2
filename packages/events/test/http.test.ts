// The HTTP request builders (REST v1, HTTP API v2, Function URL, ALB, VPC Lattice v1 and v2): each output passes the matching schema of @aws-lambda-powertools/parser (a
// devDependency), carries the payload as its body and the path's query string as its query parameters.
import { describe, expect, it } from '@jest/globals';
import {
  APIGatewayProxyEventSchema,
  APIGatewayProxyEventV2Schema,
  AlbMultiValueHeadersSchema,
  AlbSchema,
  LambdaFunctionUrlSchema,
  VpcLatticeSchema,
  VpcLatticeV2Schema,
} from '@aws-lambda-powertools/parser/schemas';
import { OptionsError } from '@lambdaware/shared';
import { EventBuildError, albEvent, apiGatewayV1Event, apiGatewayV2Event, functionUrlEvent, vpcLatticeEvent, vpcLatticeV2Event } from '@lambdaware/events';

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
    expect(event).toMatchObject({
      routeKey: 'PUT /items',
      rawPath: '/items',
      rawQueryString: 'x=1&x=2',
      body: 'raw text',
      queryStringParameters: { x: '1,2' },
    });
    expect(event.headers['content-length']).toBe('8');
    expect(event.requestContext.routeKey).toBe('PUT /items');
  });

  it('functionUrlEvent: a Function URL event passing LambdaFunctionUrlSchema as built, route key "$default"', () => {
    const event = functionUrlEvent({ a: 1 }) as Record<string, any>;
    parse(LambdaFunctionUrlSchema, event);
    parse(LambdaFunctionUrlSchema, functionUrlEvent());
    expect(event.routeKey).toBe('$default');
    expect(event.requestContext.routeKey).toBe('$default');
    expect(event.requestContext.domainName).toMatch(/\.lambda-url\.us-east-1\.on\.aws$/);
    expect(event.body).toBe('{"a":1}');
    expect(functionUrlEvent()).not.toHaveProperty('body');
  });

  it('pathParameters and base64 bodies (REST v1, HTTP API v2)', () => {
    const v1 = apiGatewayV1Event({ a: 1 }, { path: '/orders/7', pathParameters: { id: '7' }, base64: true }) as Record<string, any>;
    parse(APIGatewayProxyEventSchema, v1);
    expect(v1.pathParameters).toEqual({ id: '7' });
    expect(v1.isBase64Encoded).toBe(true);
    expect(Buffer.from(v1.body, 'base64').toString()).toBe('{"a":1}');
    const v2 = apiGatewayV2Event(new Uint8Array([0, 255]), { pathParameters: { id: '7' }, base64: true }) as Record<string, any>;
    parse(APIGatewayProxyEventV2Schema, v2);
    expect(v2).toMatchObject({ pathParameters: { id: '7' }, isBase64Encoded: true, body: 'AP8=' });
    expect(v2.headers['content-length']).toBe('2');
  });

  it('albEvent: AlbSchema, single- and multi-value mode, the query string left URL-encoded as ALB sends it', () => {
    const single = albEvent({ a: 1 }, { method: 'get', path: '/lambda?q=a%20b&tag=x&tag=y' }) as Record<string, any>;
    parse(AlbSchema, single);
    expect(single).toMatchObject({ httpMethod: 'GET', path: '/lambda', body: '{"a":1}', isBase64Encoded: false });
    expect(single.queryStringParameters).toEqual({ q: 'a%20b', tag: 'y' });
    expect(single).not.toHaveProperty('multiValueHeaders');
    expect(single.requestContext.elb.targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:/);
    const multi = albEvent(undefined, { path: '/lambda?tag=x&tag=y', multiValue: true }) as Record<string, any>;
    parse(AlbSchema, multi);
    parse(AlbMultiValueHeadersSchema, multi);
    expect(multi.multiValueQueryStringParameters).toEqual({ tag: ['x', 'y'] });
    expect(multi.multiValueHeaders['content-type']).toEqual(['application/json']);
    expect(multi).not.toHaveProperty('headers');
    expect(multi.body).toBe('');
  });

  it('vpcLatticeEvent (v1) and vpcLatticeV2Event: VpcLatticeSchema and VpcLatticeV2Schema', () => {
    const v1 = vpcLatticeEvent({ a: 1 }, { method: 'put', path: '/orders?id=1' }) as Record<string, any>;
    parse(VpcLatticeSchema, v1);
    expect(v1).toMatchObject({ raw_path: '/orders', method: 'PUT', query_string_parameters: { id: '1' }, body: '{"a":1}', is_base64_encoded: false });
    parse(VpcLatticeSchema, vpcLatticeEvent());
    const v2 = vpcLatticeV2Event('text', { path: '/orders?id=1', base64: true }) as Record<string, any>;
    parse(VpcLatticeV2Schema, v2);
    expect(v2).toMatchObject({ version: '2.0', path: '/orders', method: 'POST', queryStringParameters: { id: '1' }, isBase64Encoded: true });
    expect(Buffer.from(v2.body, 'base64').toString()).toBe('text');
    expect(v2.requestContext.timeEpoch).toMatch(/^\d{16}$/);
    parse(VpcLatticeV2Schema, vpcLatticeV2Event());
    expect(vpcLatticeV2Event()).not.toHaveProperty('body');
  });

  it('query keys named like Object.prototype members are keys like any other', () => {
    const v1 = apiGatewayV1Event(undefined, { path: '/?valueOf=1&__proto__=2&toString=3&toString=4' }) as Record<string, any>;
    expect(v1.multiValueQueryStringParameters).toEqual(JSON.parse('{"valueOf":["1"],"__proto__":["2"],"toString":["3","4"]}'));
    const alb = albEvent(undefined, { path: '/?constructor=1', multiValue: true }) as Record<string, any>;
    expect(Object.hasOwn(alb.multiValueQueryStringParameters, 'constructor')).toBe(true);
  });

  it('a bad option is an EventBuildError (an OptionsError) naming it', () => {
    expect(() => albEvent({}, { multiValue: 'yes' } as never)).toThrow('albEvent(): option "multiValue" must be true or false, got "yes"');
    expect(() => apiGatewayV1Event({}, { pathParameters: { id: 7 } } as never)).toThrow(
      'apiGatewayV1Event(): option "pathParameters" must be an object of strings, got an object',
    );
    expect(() => vpcLatticeEvent({}, { pathParameters: {} } as never)).toThrow(
      'vpcLatticeEvent(): option "pathParameters" is not an option of vpcLatticeEvent() (options: method, path, headers, base64)',
    );
    const error = (() => {
      try {
        functionUrlEvent({}, { method: 'GET /x' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EventBuildError);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toBe('functionUrlEvent(): option "method" must be an HTTP method (letters), got "GET /x"');
  });
});

// JoinFunction's code as deployed with the lambdaware layer (template.yaml: LambdawareLayer): this one file is the
// whole deployment package; @middy/core and @lambdaware/* come from the layer (/opt/nodejs/node_modules), the AWS
// SDK from the Lambda runtime. Plain JavaScript, not bundled: what Lambda runs is what you read. Try it locally with
//   npm run layer && npx lambdaware invoke examples/sqs-concat/layer-function/handler.mjs \
//     --layer dist/layer/lambdaware-layer.zip --event examples/sqs-concat/events/blue-orange.json
import middy from '@middy/core';
import { logger } from '@lambdaware/logger';
import { lambdaware } from '@lambdaware/preset';

/** golambda's example: the `message` fields of the SQS batch joined with `:` (`blue:orange`). */
export const handler = middy()
  .use(lambdaware({ records: { source: 'sqs' } }))
  .handler(async (_event, context) => {
    const joined = context.records.map((record) => record.payload.message).join(':');
    logger.info('joined the batch', { joined, count: context.records.length });
    return joined;
  });

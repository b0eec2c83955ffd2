// sesNotification(): what SES publishes to an SNS topic. Its `mail` passes the SES mail schema of
// @aws-lambda-powertools/parser (the same object SES puts in a direct invocation), and wrapped by snsEvent /
// snsOverSqsEvent it is an SNS event / an SQS event as those schemas expect.
import { describe, expect, it } from '@jest/globals';
import { SesRecordSchema, SnsSchema, SnsSqsNotificationSchema, SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import { EventBuildError, sesNotification, snsEvent, snsOverSqsEvent } from '@lambdaware/events';

describe('sesNotification', () => {
  it('a received mail: the mail (SES mail schema), the receipt with its SNS action, the content', () => {
    const n = sesNotification({ from: 'orders@example.com', to: ['a@example.com', 'b@example.com'], subject: 'Order 1001', now: Date.UTC(2024, 4, 1) });
    expect(SesRecordSchema.shape.ses.shape.mail.safeParse(n.mail).success).toBe(true);
    expect(n).toMatchObject({
      notificationType: 'Received',
      mail: { source: 'orders@example.com', destination: ['a@example.com', 'b@example.com'], commonHeaders: { subject: 'Order 1001' } },
      receipt: { recipients: ['a@example.com', 'b@example.com'], action: { type: 'SNS', topicArn: 'arn:aws:sns:us-east-1:123456789012:ses-inbound' } },
    });
    expect(n.content).toContain('Subject: Order 1001');
  });

  it('bounce, complaint and delivery notifications', () => {
    expect(sesNotification({ notificationType: 'Bounce', to: ['gone@example.com'] }).bounce).toMatchObject({
      bounceType: 'Permanent',
      bouncedRecipients: [{ emailAddress: 'gone@example.com' }],
    });
    expect(sesNotification({ notificationType: 'Complaint' }).complaint).toMatchObject({ complainedRecipients: [{ emailAddress: 'recipient@example.com' }] });
    expect(sesNotification({ notificationType: 'Delivery' }).delivery).toMatchObject({ recipients: ['recipient@example.com'] });
  });

  it('through SNS, and through SNS to a queue, as the SNS and SQS schemas expect', () => {
    const event = snsEvent(sesNotification());
    expect(SnsSchema.safeParse(event).success).toBe(true);
    expect(JSON.parse(event.Records[0]!.Sns.Message)).toMatchObject({ notificationType: 'Received' });
    const queued = snsOverSqsEvent(sesNotification({ notificationType: 'Bounce' }));
    expect(SqsSchema.safeParse(queued).success).toBe(true);
    expect(SnsSqsNotificationSchema.safeParse(JSON.parse(queued.Records[0]!.body)).success).toBe(true);
  });

  it('a bad option is an EventBuildError naming it', () => {
    expect(() => sesNotification({ notificationType: 'Open' as never })).toThrow(EventBuildError);
    expect(() => sesNotification({ notificationType: 'Open' as never })).toThrow(/option "notificationType"/);
    expect(() => sesNotification({ to: 'a@example.com' as never })).toThrow(/option "to"/);
  });
});

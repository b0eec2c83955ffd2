import type { SESMail, SESReceipt } from 'aws-lambda';
import { is } from '@lambdaware/shared';
import { type CommonOptions, checkOption, common, hex, isoTime, stringOption } from './util.js';

export interface SesNotificationOptions extends CommonOptions {
  /**
   * `Received` (default: a receipt rule's SNS action, with the mail's `content`), or the feedback SES sends a topic
   * for a mail it sent: `Bounce`, `Complaint`, `Delivery`.
   */
  notificationType?: 'Received' | 'Bounce' | 'Complaint' | 'Delivery';
  /** The sender (default `sender@example.com`). */
  from?: string;
  /** The recipients (default `['recipient@example.com']`). */
  to?: string[];
  /** The subject (default `Test`). */
  subject?: string;
  /** `Received`: the raw mail the SNS action carries (default a short text mail built from the fields above). */
  content?: string;
  /** The SNS topic of a receipt rule's action (default `ses-inbound`). */
  topicName?: string;
}

/** An SES notification as SES writes it into an SNS message (the Message of `snsEvent(...)`). */
export interface SesNotification {
  notificationType: 'Received' | 'Bounce' | 'Complaint' | 'Delivery';
  mail: SESMail;
  receipt?: SESReceipt;
  content?: string;
  bounce?: Record<string, unknown>;
  complaint?: Record<string, unknown>;
  delivery?: Record<string, unknown>;
}

const TYPES = ['Received', 'Bounce', 'Complaint', 'Delivery'] as const;

/**
 * An SES notification, what SES publishes to an SNS topic: a mail received by a receipt rule with an SNS action
 * (`Received`, with its content), or the bounce, complaint or delivery of a mail SES sent. Deliver it with
 * `snsEvent(sesNotification())`, or through a queue with `snsOverSqsEvent(sesNotification())`.
 *
 * @example snsEvent(sesNotification({ from: 'orders@example.com', subject: 'Order 1001' }))
 */
export function sesNotification(options?: SesNotificationOptions): SesNotification {
  const builder = 'sesNotification';
  const { region, accountId, nowMs } = common(builder, options);
  const notificationType = options?.notificationType ?? 'Received';
  checkOption(builder, 'notificationType', notificationType, is.oneOf(TYPES));
  const from = stringOption(builder, 'from', options?.from, 'sender@example.com');
  const to = options?.to ?? ['recipient@example.com'];
  checkOption(builder, 'to', to, is.arrayOf(is.string()));
  const subject = stringOption(builder, 'subject', options?.subject, 'Test');
  const topic = stringOption(builder, 'topicName', options?.topicName, 'ses-inbound');
  const date = new Date(nowMs - 1000).toUTCString();
  const messageId = `${hex(10)}${hex(10)}`;
  const mail: SESMail = {
    timestamp: isoTime(nowMs - 500),
    source: from,
    messageId,
    destination: [...to],
    headersTruncated: false,
    headers: [
      { name: 'From', value: from },
      { name: 'To', value: to.join(', ') },
      { name: 'Subject', value: subject },
      { name: 'Date', value: date },
    ],
    commonHeaders: { returnPath: from, from: [from], date, to: [...to], messageId: `<${hex(8)}@example.com>`, subject },
  };
  const at = isoTime(nowMs);
  switch (notificationType) {
    case 'Received': {
      const content =
        options?.content ??
        `From: ${from}\r\nTo: ${to.join(', ')}\r\nSubject: ${subject}\r\nDate: ${date}\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHello\r\n`;
      checkOption(builder, 'content', content, is.string(false));
      const pass = { status: 'PASS' as const };
      return {
        notificationType,
        mail,
        receipt: {
          timestamp: at,
          processingTimeMillis: 312,
          recipients: [...to],
          spamVerdict: pass,
          virusVerdict: pass,
          spfVerdict: pass,
          dkimVerdict: pass,
          dmarcVerdict: pass,
          action: { type: 'SNS', topicArn: `arn:aws:sns:${region}:${accountId}:${topic}` },
        },
        content,
      };
    }
    case 'Bounce':
      return {
        notificationType,
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: to.map((emailAddress) => ({ emailAddress, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })),
          timestamp: at,
          feedbackId: `${hex(16)}-000000`,
        },
      };
    case 'Complaint':
      return {
        notificationType,
        mail,
        complaint: {
          complainedRecipients: to.map((emailAddress) => ({ emailAddress })),
          timestamp: at,
          feedbackId: `${hex(16)}-000000`,
          complaintFeedbackType: 'abuse',
        },
      };
    default:
      return {
        notificationType,
        mail,
        delivery: { timestamp: at, processingTimeMillis: 546, recipients: [...to], smtpResponse: '250 ok', reportingMTA: 'a8-70.smtp-out.amazonses.com' },
      };
  }
}
